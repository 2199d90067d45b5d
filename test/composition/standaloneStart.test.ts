import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { metaSignature } from "../../testing/fakes/graph-api/metaJson.js"
import { freePort } from "../faults/childBot.js"
import { textMessageWebhook } from "../support/textMessageWebhook.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href
const main = join(root, "runtimes/http-server/main.ts")
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

const scratch = mkdtempSync(join(tmpdir(), "standalone-start-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** `npm start` as a process: its output, and whether /health answered before it exited (or 60 s passed). */
const start = async (env: Readonly<Record<string, string>>, whileUp?: (baseUrl: string) => Promise<void>) => {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ["--import", tsxLoader, main], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), LOG_LEVEL: "Warn", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  let served = false
  const deadline = Date.now() + 60_000
  while (child.exitCode === null && Date.now() < deadline && !served) {
    served = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false)
    if (!served) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (served && whileUp !== undefined) await whileUp(baseUrl).finally(() => child.kill("SIGTERM"))
  else if (served) child.kill("SIGTERM")
  const exitCode = await exit
  return { served, exitCode, output }
}

/** A production deployment as the issue saw it: real WhatsApp and Astria keys, the payment secret forgotten. */
const halfConfigured = {
  ENVIRONMENT: "production",
  DATABASE_URL: databaseUrl,
  WHATSAPP_API_KEY: "EAAG-real-token",
  WHATSAPP_NUMBER_ID: "106540352242922",
  WHATSAPP_APP_SECRET: "real-app-secret",
  WHATSAPP_VERIFY_TOKEN: "real-verify-token",
  ASTRIA_API_KEY: "sd_real"
}

describe("npm start", () => {
  it("refuses a half-configured production start, naming every missing setting, and serves nothing", async () => {
    const { served, exitCode, output } = await start(halfConfigured)
    expect(served).toBe(false)
    expect(exitCode).toBe(1)
    for (const name of ["PAYMENT_PROVIDER", "PUBLIC_BASE_URL", "WHATSAPP_REENGAGEMENT_TEMPLATE", "TIER_LITE_PACKS"]) {
      expect(output).toContain(name)
    }
    expect(output).not.toMatch(/^\s+at /m)
  }, 90_000)

  it("in development, uses the app secret and verify token the operator set for its fake Graph API", async () => {
    const body = JSON.stringify(textMessageWebhook("wamid.custom-secret", "hi"))
    const post = (baseUrl: string, secret: string) =>
      fetch(`${baseUrl}/SmsReceived`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": metaSignature(secret, body) },
        body
      }).then((response) => response.status)
    const seen: Record<string, number> = {}
    const { served } = await start(
      { WHATSAPP_APP_SECRET: "my-own-secret", WHATSAPP_VERIFY_TOKEN: "my-own-token", PGLITE_DATA_DIR: join(scratch, "pglite") },
      async (baseUrl) => {
        seen.handshake = (
          await fetch(`${baseUrl}/SmsReceived?hub.mode=subscribe&hub.verify_token=my-own-token&hub.challenge=4242`)
        ).status
        seen.ownSecret = await post(baseUrl, "my-own-secret")
        seen.fakeDefault = await post(baseUrl, "fake-app-secret")
      }
    )
    expect(served).toBe(true)
    expect(seen).toEqual({ handshake: 200, ownSecret: 200, fakeDefault: 401 })
  }, 90_000)
})
