import { spawnSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Console } from "effect"
import { ConfigProvider, Effect, Exit, Layer, Logger, Scope } from "effect"
import { describe, expect, it } from "vitest"
import { batchedConsoleLogger } from "../../runtimes/composition/batchedConsoleLogger.js"
import { LoggingLive } from "../../runtimes/composition/LoggingLive.js"

/** A Console whose `log` calls are recorded: each call is one write of the real console. */
const recordingConsole = (writes: Array<string>): Console.Console => {
  const unsafe = { ...globalThis.console, log: (text: string) => void writes.push(text) }
  return { ...Effect.runSync(Effect.console), unsafe, log: (text: string) => Effect.sync(() => unsafe.log(text)) }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
const logLines = (from: number, to: number) =>
  Effect.forEach(Array.from({ length: to - from }, (_, i) => from + i), (i) => Effect.logInfo(`line ${i}`), { discard: true })
const numbers = (writes: ReadonlyArray<string>) =>
  writes.flatMap((text) => text.split("\n")).map((line) => Number(/message="line (\d+)"/.exec(line)?.[1]))
const upTo = (count: number) => Array.from({ length: count }, (_, i) => i)

/** A batched logfmt logger on a recording console, in a scope the test closes. */
const openLogger = (writes: Array<string>, maxChars?: number) =>
  Effect.runSync(
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const logger = yield* batchedConsoleLogger(Logger.logfmtLogger, maxChars).pipe(
        Scope.extend(scope),
        Effect.withConsole(recordingConsole(writes))
      )
      const log = (effect: Effect.Effect<void>) => Effect.runSync(Effect.provide(effect, Logger.replace(Logger.defaultLogger, logger)))
      const close = () => Effect.runSync(Scope.close(scope, Exit.void))
      return { log, close }
    })
  )

describe("the batched console logger", () => {
  it("writes a turn's lines in one write, at the end of the turn, in order", async () => {
    const writes: Array<string> = []
    const { log, close } = openLogger(writes)
    log(logLines(0, 3))
    log(logLines(3, 5))
    expect(writes).toEqual([])
    await nextTurn()
    expect(writes).toHaveLength(1)
    log(logLines(5, 7))
    await nextTurn()
    expect(writes).toHaveLength(2)
    expect(numbers(writes)).toEqual(upTo(7))
    close()
  })

  it("loses no line and keeps their order when its scope closes before the turn ends", () => {
    const writes: Array<string> = []
    const { log, close } = openLogger(writes, 1_000_000)
    log(logLines(0, 1000))
    expect(writes).toEqual([])
    close()
    expect(numbers(writes)).toEqual(upTo(1000))
    log(logLines(1000, 1002))
    expect(numbers(writes)).toEqual(upTo(1002))
  })

  it("writes at once a buffer past its bound", async () => {
    const writes: Array<string> = []
    const { log, close } = openLogger(writes, 1000)
    log(logLines(0, 100))
    expect(writes.length).toBeGreaterThan(5)
    expect(writes.every((text) => text.length < 1000 + 200)).toBe(true)
    await nextTurn()
    expect(numbers(writes)).toEqual(upTo(100))
    close()
  })
})

const withSettings = (settings: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))

/** What a program logs under a logger layer, on a recording console, once the layer is released. */
const logged = <E>(layer: Layer.Layer<never, E>, program: Effect.Effect<void>): Array<string> => {
  const writes: Array<string> = []
  Effect.runSync(Effect.withConsole(Effect.provide(program, layer), recordingConsole(writes)))
  return writes.join("\n").split("\n")
}

const sample = Effect.gen(function* () {
  yield* Effect.logInfo("Sent HTTP response").pipe(
    Effect.annotateLogs({ requestId: "r-1", "http.method": "POST", "http.path": "/SmsReceived", "http.status": 200, "http.ms": 3 })
  )
  yield* Effect.logDebug("hidden at Info")
  yield* Effect.logWarning("with a span", { detail: "an object" }).pipe(Effect.withLogSpan("work"))
  yield* Effect.logError("failed", new Error("boom")).pipe(Effect.zipRight(Effect.logError(Effect.fail("x"))))
  yield* Effect.logError("with a cause").pipe(Effect.annotateLogs("user", 7))
})

/** Timestamps, fiber ids and span durations differ between two runs; nothing else may. */
const comparable = (lines: ReadonlyArray<string>) =>
  lines.map((line) =>
    line
      .replace(/timestamp=\S+|"timestamp":"[^"]+"/, "<time>")
      .replace(/fiber=#\d+|"fiberId":"#\d+"/, "<fiber>")
      .replace(/work=\d+ms|"work":\d+/, "<span>")
  )

describe("LoggingLive", () => {
  it("writes the lines of Logger.logFmt in development and of Logger.json in production", () => {
    for (const [environment, effectLayer] of [
      ["development", Logger.logFmt],
      ["production", Logger.json]
    ] as const) {
      const settings = withSettings({ ENVIRONMENT: environment })
      const ours = logged(LoggingLive.pipe(Layer.provide(settings)), sample)
      const effects = logged(Layer.merge(effectLayer, settings), sample)
      expect(ours).toHaveLength(5)
      expect(comparable(ours)).toEqual(comparable(effects))
    }
  })

  it("writes every line, in order, when its layer is released in the turn they were logged", () => {
    const lines = logged(LoggingLive.pipe(Layer.provide(withSettings({}))), logLines(0, 5000))
    expect(numbers(lines)).toEqual(upTo(5000))
  })

  const fixture = fileURLToPath(new URL("./exitingLogger.ts", import.meta.url))
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url))
  it.each(["exit", "crash"])("writes every line when the process ends by %s before the turn ends", (how) => {
    const dir = mkdtempSync(join(tmpdir(), "logs-"))
    try {
      const file = join(dir, "stdout.log")
      const stdout = openSync(file, "w")
      const child = spawnSync(tsx, [fixture, how, "2000"], { stdio: ["ignore", stdout, "pipe"], encoding: "utf8" })
      closeSync(stdout)
      expect(child.status).toBe(how === "exit" ? 0 : 1)
      expect(numbers(readFileSync(file, "utf8").trimEnd().split("\n"))).toEqual(upTo(2000))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
