import { mkdtempSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { freePort } from "../faults/childBot.js"
import { nodeProcess } from "../support/nodeProcess.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href
const main = join(root, "runtimes/http-server/main.ts")

const scratch = mkdtempSync(join(tmpdir(), "startup-liveness-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

/** Until the port accepts connections (the process is up, however slowly tsx loads), or 60 s. */
const listening = async (port: number, running: () => boolean) => {
  const deadline = Date.now() + 60_000
  while (running() && Date.now() < deadline) {
    if (await accepts(port)) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

/** A GET that must answer within `bound`; a held request fails with a timeout instead. */
const get = (url: string, bound: number) =>
  fetch(url, { signal: AbortSignal.timeout(bound) }).then(async (response) => ({
    status: response.status,
    body: await response.text()
  }))

describe("npm start while the database is unreachable", () => {
  it("answers /health 200 at once and /ready 503 saying it is starting", async () => {
    const [port, deadDatabasePort] = await Promise.all([freePort(), freePort()])
    const child = nodeProcess(["--import", tsxLoader, main], {
      cwd: scratch,
      env: {
        PORT: String(port),
        LOG_LEVEL: "Warn",
        // Zero configuration (no credential, no FAKES) on a database where nothing listens.
        DATABASE_URL: `postgres://postgres@127.0.0.1:${deadDatabasePort}/test`
      }
    })
    try {
      expect(await listening(port, child.running), child.output()).toBe(true)
      const health = await get(`http://127.0.0.1:${port}/health`, 3_000)
      expect(health.status).toBe(200)
      expect(JSON.parse(health.body)).toEqual({ status: "ok" })
      const ready = await get(`http://127.0.0.1:${port}/ready`, 3_000)
      expect(ready.status).toBe(503)
      expect(Schema.decodeUnknownSync(Schema.parseJson(TemporarilyUnavailable))(ready.body).message).toMatch(/starting/)
      expect(child.running(), child.output()).toBe(true)
    } finally {
      await child.stop()
    }
  }, 90_000)
})
