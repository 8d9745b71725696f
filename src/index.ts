import * as core from '@actions/core'
import { run } from './run/main.js'
import { post } from './run/post.js'
import { STATE_IS_POST } from './core/state.js'

// One bundle serves both steps, as actions/checkout does: the main step leaves a mark in its
// saved state, and the runner gives that state to the post step.
if (core.getState(STATE_IS_POST) === 'true') {
  await post()
} else {
  core.saveState(STATE_IS_POST, 'true')
  await run()
}
