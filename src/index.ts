import { run } from './main.js'

// The action's entry point, as the runner starts it: node dist/index.js
await run()
