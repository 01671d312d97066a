#!/usr/bin/env node
// Workspace launcher for the built CLI (`pnpm build` first). Published packages run dist/bin.js
// directly (publishConfig.bin). Inside the workspace every @daf package's `exports` and `imports`
// point at its TypeScript sources, which Node cannot load, so a resolve hook maps
// packages/<name>/src/<file>.ts to the built packages/<name>/dist/<file>.js.
import { register } from 'node:module'

register('./workspace-hooks.js', import.meta.url)
await import('../dist/bin.js')
