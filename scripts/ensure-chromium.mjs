#!/usr/bin/env node
// Browser tests drive Debian's Chromium (never a downloaded browser build). Install it with apt
// when it is missing and we may (root); otherwise say exactly what to run.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(`Chromium not found at ${chromium}. Install it: sudo apt-get update && sudo apt-get install -y chromium`)
    process.exit(1)
  }
  console.log(`Chromium not found at ${chromium}; installing Debian's chromium package…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env })
}
