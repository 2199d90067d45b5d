/**
 * Conversation benchmark: 100 simulated people chatting with the whole bot at once, through the
 * signed webhook, the decider and the real WhatsApp adapter talking to the fake Graph API (the
 * harness, as the tests and the embedded default run it). See bench/README.md, "Conversation".
 *
 *   npx tsx bench/conversation/run.ts   (CONVERSATION_BENCH_STORAGE=postgres|memory, USERS=100)
 */
import { Clock, Effect, Layer, Logger, LogLevel, Option, Queue, Stream } from "effect"
import { availableParallelism, cpus, totalmem } from "node:os"
import { readFileSync } from "node:fs"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { english } from "../../domain/catalogue/english.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema } from "../../test/support/TestDatabase.js"

const users = Number(process.env.CONVERSATION_BENCH_USERS ?? 100)
const storageKind = process.env.CONVERSATION_BENCH_STORAGE === "memory" ? "memory" : "postgres"
/** How long a turn may wait for its first reply before it counts as unanswered. */
const replyTimeoutMillis = 60_000
/** A person reads until nothing new has come for this long, then writes again. */
const readingMillis = 200

/**
 * One person's turns, each answered with something new: a greeting, a pick from the welcome list,
 * "I'm ready" (the question whether photos may be kept), the agreement. (Until 2026-12-06 the last
 * two were a question and a voice note; since the flood guard, a question typed within a moment of
 * the same answer gets no copy of it, which this bench's instant readers would count as unanswered.)
 */
const turns: ReadonlyArray<(person: DriverUser) => Effect.Effect<unknown>> = [
  (person) => person.says("hi"),
  (person) =>
    Effect.flatMap(person.seen, (seen) => {
      const row = [...seen].reverse().find((message) => message.rows.length > 0)?.rows[0]
      return row === undefined ? person.says("headshots please") : person.picks(row.id)
    }),
  (person) => person.taps(english.imReady),
  (person) => Effect.orDie(person.agreesToPhotos())
]

const storage =
  storageKind === "memory" ? InMemoryStorage : PgStorage.pipe(Layer.provide(freshSchema("bench_conversation")))

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN)

const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? Number.NaN) / 1024

const program = Effect.gen(function* () {
  const driver = yield* BotDriver
  const graph = yield* FakeGraph
  const replyMillis: Array<number> = []
  let unanswered = 0

  // Each person's inbox as the fake Graph API accepts messages for them (with the fake's time),
  // pushed rather than polled, so that waiting people cost the bot no CPU.
  const inboxes = new Map<string, Queue.Queue<number>>()
  yield* Effect.forkScoped(
    Stream.runForEach(graph.deliveries, (delivery) => {
      const inbox = inboxes.get(delivery.user.userId)
      return inbox === undefined ? Effect.void : Queue.offer(inbox, delivery.message.at)
    })
  )
  // The subscription starts when that fiber first runs.
  yield* Effect.sleep(100)

  /** The time of the first message for this person, then waits until they have read everything. */
  const firstReplyAt = (inbox: Queue.Queue<number>) =>
    Effect.gen(function* () {
      const first = yield* Queue.take(inbox).pipe(Effect.timeoutOption(replyTimeoutMillis))
      if (Option.isSome(first)) {
        while (Option.isSome(yield* Queue.take(inbox).pipe(Effect.timeoutOption(readingMillis)))) {
          // more of the same answer
        }
      }
      return first
    })

  const chat = (index: number) =>
    Effect.gen(function* () {
      const person = yield* driver.user({ waId: `9725${String(index).padStart(8, "0")}`, name: `Bench ${index}` })
      const fakeUser = yield* graph.user(person.who)
      const inbox = yield* Queue.unbounded<number>()
      if (Option.isSome(fakeUser)) inboxes.set(fakeUser.value.userId, inbox)
      for (const turn of turns) {
        const sentAt = yield* Clock.currentTimeMillis
        yield* turn(person)
        const first = yield* firstReplyAt(inbox)
        if (Option.isSome(first)) replyMillis.push(first.value - sentAt)
        else unanswered += 1
      }
    })

  const started = yield* Clock.currentTimeMillis
  const cpuStarted = process.cpuUsage()
  yield* Effect.forEach(Array.from({ length: users }, (_, index) => index), chat, { concurrency: "unbounded", discard: true })
  const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
  const cpu = process.cpuUsage(cpuStarted)
  const sorted = [...replyMillis].sort((a, b) => a - b)
  const messages = users * turns.length
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(", ")
  console.log(
    `Conversation: ${users} people x ${turns.length} turns, storage ${storageKind}; ${cpus()[0]?.model ?? "cpu"} x${availableParallelism()}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}; load average ${load}`
  )
  console.log(`messages answered: ${replyMillis.length} of ${messages} (${unanswered} without a reply within ${replyTimeoutMillis / 1000} s) in ${seconds.toFixed(1)} s`)
  console.log(`messages processed per second: ${(replyMillis.length / seconds).toFixed(1)}`)
  console.log(
    `time to first reply (webhook sent to reply recorded by the fake Graph API), ms: ` +
      `p50 ${percentile(sorted, 50).toFixed(0)}, p90 ${percentile(sorted, 90).toFixed(0)}, p99 ${percentile(sorted, 99).toFixed(0)}, max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)}`
  )
  console.log(`CPU of the process (bot, fakes and simulated people): ${((cpu.user + cpu.system) / 1000 / messages).toFixed(1)} ms per message; peak RSS ${peakRssMb().toFixed(0)} MB`)
  const sample = yield* Effect.flatMap(driver.user({ waId: "972500000000" }), (person) => person.seen)
  console.log(`what one person saw: ${sample.map((message) => `[${message.kind}] ${message.text.slice(0, 40).replace(/\n/g, " ")}`).join(" | ")}`)
  if (unanswered > 0) process.exitCode = 1
})

const bot = BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage })))

// Warnings and errors only: a log line per request for 400 messages would bury the figures.
Effect.runPromise(Effect.scoped(Effect.provide(program, bot)).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
