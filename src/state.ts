/** Names of the values the main step saves for the post step (core.saveState). */
export const STATE_HANDLE = 'handle'
export const STATE_FINISHED = 'finished'
