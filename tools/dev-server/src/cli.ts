#!/usr/bin/env -S npx tsx
/**
 * `pnpm dev-server [--port N] [--host H] [--seed S] [--public-url URL] [--data-dir DIR] [--quiet]`: runs the local
 * deployment until SIGINT/SIGTERM, printing its url and the dev token.
 */
import { parseArgs } from 'node:util'
import { DEMO_DATASTACK, DEV_TOKEN, MISSING_TOS_TOKEN, NO_PERMISSION_TOKEN } from './constants.js'
import { startDevServer } from './server.js'

const USAGE = `Usage: pnpm dev-server [options]

  --port <n>         port to listen on (default 8765; 0 = any free port)
  --host <h>         interface to listen on (default 127.0.0.1)
  --seed <s>         dataset seed (default 1)
  --public-url <u>   URL to advertise instead of http://host:port
  --data-dir <d>     keep annotation tables in <d>/annotation.json across restarts
  --quiet            do not log requests
  -h, --help         this text
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'public-url': { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const port = Number(values.port ?? 8765)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`)
  const seed = values.seed === undefined ? undefined : /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed

  const server = await startDevServer({
    port,
    host: values.host,
    seed,
    publicUrl: values['public-url'],
    dataDir: values['data-dir'],
    log: !values.quiet,
  })
  console.log(`dev server listening on ${server.url}`)
  console.log(`  datastack          ${DEMO_DATASTACK}`)
  console.log(`  token              ${DEV_TOKEN}`)
  console.log(`  no-permission      ${NO_PERMISSION_TOKEN}`)
  console.log(`  missing-ToS        ${MISSING_TOS_TOKEN}`)
  console.log(`  try: curl -H 'Authorization: Bearer ${DEV_TOKEN}' ${server.url}/info/api/v2/datastack/full/${DEMO_DATASTACK}`)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: closing`)
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
