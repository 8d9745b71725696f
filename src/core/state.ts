/** Names of the values the main step saves for the post step (core.saveState). */
export const STATE_HANDLE = 'handle'
export const STATE_FINISHED = 'finished'
/** Set by the main step, so the same bundle knows it runs as the post step next time. */
export const STATE_IS_POST = 'isPost'
