// An S3 server that, unlike moto, verifies SigV4 signatures and the expiry of presigned URLs.
//
//   node serve.js PORT BUCKET DIRECTORY
//
// Serves http://127.0.0.1:PORT (PORT 0: any free port) with BUCKET created, objects kept under
// DIRECTORY, credentials S3RVER/S3RVER. Prints one line, `listening <port>`, once it accepts
// requests; stops on SIGTERM or SIGINT. Used by the `s3rver` fixture in tests/conftest.py.
'use strict'

const S3rver = require('@20minutes/s3rver')

async function main() {
  const [port, bucket, directory] = process.argv.slice(2)
  if (port === undefined || !bucket || !directory) {
    throw new Error('usage: node serve.js PORT BUCKET DIRECTORY')
  }
  const server = new S3rver({
    address: '127.0.0.1',
    port: Number(port),
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  const address = await server.run()
  console.log(`listening ${address.port}`)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
