import { describe, expect, it, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { EventBroker, PermanentFailure } from "../../application/ports/EventBroker.js"
import { Ids } from "../../application/ports/Ids.js"
import { Orders } from "../../application/ports/Orders.js"
import { Photos } from "../../application/ports/Photos.js"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { Users } from "../../application/ports/Users.js"
import { eraseUser } from "../../application/privacy/eraseUser.js"
import { InMemoryDatabase } from "../../adapters/memory/InMemoryDatabase.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { senderKeysOf } from "../../application/messaging/senderKey.js"
import { UserId, type UserId as UserIdType } from "../../domain/ids.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { after, delivery, journey, next, englishWords } from "../journey/steps.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"


const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

const findUser = (phone: string) =>
  Effect.flatMap(Users, (users) =>
    users.resolve({ waId: Option.some(phone), bsuid: Option.none(), profileName: Option.none() }, UserId.make(globalThis.crypto.randomUUID()), new Date())
  )

/**
 * A person goes through the whole flow, asks for their data to be deleted, confirms, and is
 * gone: every table is scanned for their id, number, name, words and photo bytes.
 */
const erasesEverything = <R>(phone: string, dump: Effect.Effect<string, unknown, R>) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const astria = yield* FakeAstria
    const name = "Avigail Uniquename"
    const person = yield* driver.user({ waId: phone, name })
    yield* person.says("hello from a very private person")
    const paid = yield* journey(person, englishWords)
    const { user } = yield* findUser(phone)
    const userId: UserIdType = user.id
    expect(Option.isSome(user.photoConsentAt)).toBe(true)
    const photos = yield* Effect.flatMap(Photos, (port) => port.listForUser(userId))
    expect(photos.length).toBe(3)
    const photoSample = toHex(photos[0]!.bytes.slice(1000, 1032))
    yield* delivery(driver, person, paid, englishWords)
    const orderIds: ReadonlyArray<string> = (yield* Effect.flatMap(Orders, (orders) => orders.listForUser(userId))).map((o) => o.id)
    expect(orderIds).toHaveLength(1)

    const before = (yield* person.seen).length
    yield* person.says("Delete my data")
    yield* next(person, before, "the confirmation", (m) => m.buttons.some((b) => b.title === "Yes, delete"))
    yield* person.taps("Yes, delete")
    yield* next(person, before, "the goodbye", (m) => /All your data has been deleted/.test(m.text))
    // Astria hears of it too: the person's tunes are deleted there.
    yield* Effect.sleep("1 second")
    expect((yield* astria.control.tunes).filter((tune) => orderIds.includes(tune.title ?? ""))).toEqual([])

    const stored = yield* dump
    for (const trace of [userId, phone, "Uniquename", "very private person", photoSample]) {
      expect(stored.includes(trace), `found ${trace.slice(0, 20)} after the erase`).toBe(false)
    }
    // The payment is kept for accounting, under a one-way reference.
    expect(stored).toMatch(/erased:[0-9a-f]{64}/)

    // Erasing twice is harmless.
    const again = yield* Effect.flatMap(UnitOfWork, (unitOfWork) => unitOfWork.transaction(eraseUser(userId)))
    expect(again).toEqual({ photos: 0, messages: 0, orders: 0, tunes: 0 })

    // A later message starts afresh, as a new person.
    const goodbye = (yield* person.seen).length
    yield* person.says("hi")
    const seen = yield* next(person, goodbye, "a first welcome", (m) => m.rows.some((r) => r.title === englishWords.begin))
    expect(after(seen, goodbye).some((m) => /Welcome back/.test(m.text))).toBe(false)
    const newcomer = (yield* findUser(phone)).user
    expect(newcomer.id).not.toBe(userId)
    // Their consent went with the rest: they are asked again before a photo is kept.
    expect(newcomer.photoConsentAt).toEqual(Option.none())
  })

const memoryDump = Effect.flatMap(InMemoryDatabase, (db) =>
  db.run((tables) =>
    JSON.stringify(tables, (_key, value: unknown) =>
      value instanceof Map ? [...value.entries()] : value instanceof Set ? [...value] : value instanceof Uint8Array ? toHex(value) : value
    )
  )
)

const postgresDump = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ readonly name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
  const rows = yield* Effect.forEach(tables, (table) =>
    sql<{ readonly row: string }>`SELECT t::text AS row FROM ${sql(table.name)} t`
  )
  return rows.flat().map((r) => r.row.replace(/\\x([0-9a-f]+)/g, "$1")).join("\n")
})

const settings = { PHOTO_THRESHOLD: "3" }

describe("erase on request", () => {
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings }))), {
    timeout: 60_000,
    excludeTestServices: true
  })("in memory", (it) => {
    it.effect("leaves no trace of the person but the hashed payment", () => erasesEverything("972508100001", memoryDump), 60_000)
  })
})

const reachable = await isReachable()
if (reachable) {
  describe("erase on request", () => {
    const storage = PgStorage.pipe(Layer.provideMerge(freshSchema("erase")))
    layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage, settings }))), {
      timeout: 60_000,
      excludeTestServices: true
    })("on Postgres", (it) => {
      it.effect("leaves no trace of the person in any table but the hashed payment", () =>
        erasesEverything("972508100002", postgresDump), 60_000)
    })
  })

  /**
   * The Postgres event queue keeps event bodies (a person's words) until settled, and dead letters
   * for good: erasing the person takes their queued, settled and dead-lettered events with them.
   */
  describe("erase on request with the Postgres event queue", () => {
    const storage = PgStorage.pipe(Layer.provideMerge(freshSchema("erase_queue")))
    const subscriptions = [{ name: "conversation", eventTypes: ["UserMessageReceivedEvent"] }]
    const broker = PgEventBroker.layer({ subscriptions, maxDeliveries: 1, redeliveryDelay: () => Duration.millis(5), pollInterval: "20 millis" })
    layer(Layer.merge(broker.pipe(Layer.provideMerge(storage)), Ids.random), { timeout: 30_000, excludeTestServices: true })("on Postgres", (it) => {
      it.scoped("leaves none of their events in the queue, dead letters included; others' stay", () =>
        Effect.gen(function* () {
          const queue = yield* EventBroker
          const sql = yield* SqlClient.SqlClient
          const person = (yield* findUser("972508100003")).user
          const other = (yield* findUser("972508100004")).user
          const [senderKey] = senderKeysOf(person)
          const event = (key: string, words: string) => ({
            id: globalThis.crypto.randomUUID(),
            key,
            eventType: "UserMessageReceivedEvent",
            body: JSON.stringify({ text: words })
          })
          // One of theirs is dead-lettered (its consumer refuses it), one settled, two still queued.
          yield* queue.publish([event(person.id, "dead secret"), event(person.id, "done secret"), event(other.id, "someone else")])
          let handled = 0
          yield* queue.consume("conversation", (message) =>
            /dead/.test(message.body) ? Effect.fail(new PermanentFailure({ reason: "refused" })) : Effect.sync(() => void handled++))
          yield* Effect.sync(() => handled).pipe(Effect.repeat({ until: (n) => n >= 2, schedule: Schedule.spaced("10 millis") }))
          yield* queue.publish([event(person.id, "queued secret"), event(senderKey ?? person.id, "first secret")])

          yield* Effect.flatMap(UnitOfWork, (unitOfWork) => unitOfWork.transaction(eraseUser(person.id)))

          const left = yield* sql<{ readonly key: string; readonly body: string }>`SELECT key, body FROM event_deliveries`
          expect(left.filter((row) => /secret/.test(row.body) || row.key === person.id || row.key === senderKey)).toEqual([])
          expect(left.map((row) => row.body)).toContain(JSON.stringify({ text: "someone else" }))
          expect(yield* queue.deadLetters("conversation")).toEqual([])
        }))
    })
  })
} else if (inCi) {
  describe("erase on request on Postgres", () => {
    it("reaches the test database", () => {
      expect.fail("The test database cannot be reached; CI must provide DATABASE_URL")
    })
  })
}
