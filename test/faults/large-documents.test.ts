import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { english as phrases } from "../../domain/catalogue/english.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { readyForPhotos } from "../reliability/helpers.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { childBot, freePort, graphEnvironment } from "./childBot.js"
import { clientOf, logFile, peopleOnFakeGraph, urlOf } from "./support.js"

const reachable = await isReachable()

const gib = 1024 * 1024 * 1024

const readOrEmpty = (path: string): string => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    // A process that ended while we looked.
    return ""
  }
}

/** The bot child process of this test: started by this process, with `PORT` set to `port`. */
const childPidOn = (port: number): number => {
  const ours = readdirSync("/proc").filter((entry) => {
    if (!/^\d+$/.test(entry)) return false
    const stat = readOrEmpty(`/proc/${entry}/stat`)
    // "pid (command) state ppid ...": the command may hold spaces, so count from its ")".
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
    return parent === process.pid && readOrEmpty(`/proc/${entry}/environ`).split("\0").includes(`PORT=${port}`)
  })
  expect(ours).toHaveLength(1)
  return Number(ours[0])
}

/** The most memory the process ever held (VmHWM, its peak resident set), in bytes. */
const peakRss = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((row) => row.startsWith("VmHWM:")) ?? ""
  return Number(line.replace(/\D/g, "")) * 1024
}

/**
 * Ten people send a 77 MB photo as a document at the same moment (WhatsApp takes documents up to
 * 100 MB), to the standalone bot as a child process on Postgres. Downloaded whole, that took the
 * process to 1.8 GB; the bound refuses them from the size Meta declares, and each person is told.
 */
describe.skipIf(!reachable && !inCi)("ten large documents at once", () => {
  it.live("every sender is told the file is too large, and the bot's peak memory stays under 1 GiB", () =>
    Effect.gen(function* () {
      const client = yield* clientOf(freshSchema("large_documents"))
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const port = yield* Effect.promise(freePort)
      const bot = yield* childBot({ port, env: { ...graphEnvironment(graph), DATABASE_URL: urlOf(client) }, logFile: logFile("large-documents") })
      yield* graph.setWebhookTarget(`${bot.baseUrl}/SmsReceived`)
      const pid = childPidOn(port)

      const driver = Context.get(people, BotDriver)
      const senders = yield* Effect.forEach(Array.from({ length: 10 }, (_, i) => i), (i) =>
        driver.user({ waId: `97250480000${i}`, name: `Sender ${i}` })
      )
      const marks = yield* Effect.forEach(senders, (sender) => Effect.map(readyForPhotos(sender, 30_000), (seen) => seen.length), {
        concurrency: "unbounded"
      })
      // A JPEG's first bytes, then zeros: what matters is the size, as Meta declares it.
      const document = new Uint8Array(77_000_000)
      document.set([0xff, 0xd8, 0xff, 0xe0])
      yield* Effect.forEach(senders, (sender) => sender.sendsPhoto(document, { asDocument: true }), { concurrency: "unbounded", discard: true })

      const answers = yield* Effect.forEach(
        senders,
        (sender, i) =>
          Effect.map(
            sender.waitUntil("an answer to the document", (seen) => seen.slice(marks[i]).some((m) => m.kind === "Text"), 90_000),
            (seen) => seen.slice(marks[i]).filter((m) => m.kind === "Text").map((m) => m.text)
          ),
        { concurrency: "unbounded" }
      )
      expect(peakRss(pid), "the bot process's peak resident memory (VmHWM), in bytes").toBeLessThan(gib)
      for (const answer of answers) expect(answer).toContain(phrases.rejection("too_large"))
    }).pipe(Effect.scoped), 240_000)
})
