import { spawn, type ChildProcess } from "node:child_process"
import { createWriteStream } from "node:fs"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect, Schedule } from "effect"
import type { FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href
const main = join(root, "runtimes/http-server/main.ts")

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

export const verifyToken = "faults-verify-token"

/**
 * What `npm start` reads to talk to WhatsApp: here the fake Graph API of the test process, so
 * every process's sends land in one place the test reads. Brisk pacing, as in the harness.
 */
export const graphEnvironment = (graph: FakeGraphApi): Readonly<Record<string, string>> => ({
  WHATSAPP_API_URL: graph.baseUrl,
  WHATSAPP_NUMBER_ID: graph.phoneNumberId,
  WHATSAPP_API_KEY: graph.accessToken,
  WHATSAPP_APP_SECRET: graph.appSecret,
  WHATSAPP_VERIFY_TOKEN: verifyToken,
  WHATSAPP_RECIPIENT_BURST: "50",
  WHATSAPP_RECIPIENT_INTERVAL: "20 millis",
  WHATSAPP_RETRY_BASE: "20 millis",
  WHATSAPP_PAIR_BACKOFF_BASE: "50 millis",
  // A real WhatsApp adapter beside in-process Astria and checkout: development names them.
  FAKES: "astria,payments"
})

export interface ChildBot {
  readonly baseUrl: string
  /** SIGKILL: no shutdown hook runs, as when the machine dies. */
  readonly kill: Effect.Effect<void>
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()))

/**
 * The standalone bot (`npm start`'s entry under tsx) as a child process on `port`, its output in
 * `logFile`; answers once /ready does. Killed when the scope closes if still running.
 */
export const childBot = (options: { readonly port: number; readonly env: Readonly<Record<string, string>>; readonly logFile: string }) =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const log = createWriteStream(options.logFile, { flags: "a" })
        const child = spawn(process.execPath, ["--import", tsxLoader, main], {
          cwd: root,
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(options.port), LOG_LEVEL: "Warn", ...options.env },
          stdio: ["ignore", "pipe", "pipe"]
        })
        child.stdout.pipe(log)
        child.stderr.pipe(log)
        return child
      }),
      (child) =>
        Effect.promise(() => {
          child.kill("SIGKILL")
          return exited(child)
        })
    )
    const baseUrl = `http://127.0.0.1:${options.port}`
    const gone = () => child.exitCode !== null || child.signalCode !== null
    yield* Effect.tryPromise(async () => {
      if (gone()) return
      // /health answers from the first second; /ready once the database, migrations and workers are up.
      const response = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(2000) })
      if (response.status !== 200) throw new Error(`ready ${response.status}`)
    }).pipe(Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("60 seconds"))), Effect.orDie)
    if (gone()) return yield* Effect.dieMessage(`the bot exited with ${child.exitCode}; see ${options.logFile}`)
    const bot: ChildBot = {
      baseUrl,
      kill: Effect.promise(() => {
        child.kill("SIGKILL")
        return exited(child)
      })
    }
    return bot
  })
