// Runs s3rver (a fake S3 server) on loopback in its own Node process and prints {"port": N}.
// Started by tests with --openssl-legacy-provider: s3rver 3.7 makes ListObjectsV2 continuation
// tokens with DES, which OpenSSL 3 (Node >= 17) only offers through the legacy provider.
// Usage: node --openssl-legacy-provider s3rver-process.mjs <directory> <bucket>...
import S3rver from 's3rver'

const [directory, ...buckets] = process.argv.slice(2)
const server = new S3rver({
  port: 0,
  address: '127.0.0.1',
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
})
const { port } = await server.run()
process.stdout.write(`${JSON.stringify({ port })}\n`)
const stop = () => server.close().finally(() => process.exit(0))
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
