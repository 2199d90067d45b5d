import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { afterAll, beforeAll } from "vitest"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { Astria } from "../../application/ports/Astria.js"
import { AttentionItems } from "../../application/ports/AttentionItems.js"
import { Feedback } from "../../application/ports/Feedback.js"
import { PaymentRecord, PaymentRecords } from "../../application/ports/PaymentRecords.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { Users } from "../../application/ports/Users.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { inMemoryCliEnvironment } from "../cli/support/previewsEnvironment.js"
import { buildShared, runCli, type Shared } from "../cli/support/runCli.js"
import { next } from "../journey/steps.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** The original's schema, exactly as its `db/CreateDB.py` creates it. */
const legacySchema = `
CREATE TABLE IF NOT EXISTS users (phone TEXT PRIMARY KEY, state INTEGER NOT NULL, credits TEXT NOT NULL, tuneID TEXT,
  chosen_pack TEXT, entity_type TEXT, language INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS msgs (id TEXT PRIMARY KEY, date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS pictures (phone_number TEXT REFERENCES users(phone) ON DELETE CASCADE, path TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ratings (phone_number TEXT, rating INTEGER, date DATE, feedback TEXT);`

const phones = {
  fresh: "972501110001",
  photos: "972501110002",
  model: "972501110003",
  oldTitle: "972501110004",
  expired: "972501110005",
  feedback: "972501110006"
} as const

const Imported = Schema.Struct({
  dryRun: Schema.Boolean,
  people: Schema.Array(
    Schema.Struct({ phone: Schema.String, legacyState: Schema.String, stage: Schema.String, language: Schema.String, model: Schema.String, action: Schema.String })
  ),
  payments: Schema.Struct({ total: Schema.Int, recorded: Schema.Int })
})

/** The command's JSON, among the lines the running bot logs meanwhile. */
const jsonOf = (stdout: string): unknown => {
  const lines = stdout.split("\n")
  const start = lines.indexOf("{")
  return JSON.parse(lines.slice(start, lines.indexOf("}", start) + 1).join("\n"))
}

const masked = (waId: string) => `+${waId.slice(0, 5)}•••••${waId.slice(-2)}`

let legacy: Shared<PgClient.PgClient | SqlClient>
let legacyUrl = ""

/** A tune on the fake Astria as the original made them: titled with the phone number; trained unless told. */
const originalTune = (phone: string, trained = true) =>
  Effect.gen(function* () {
    const astria = yield* FakeAstria
    const answer = yield* Effect.promise(() =>
      fetch(`${astria.baseUrl}/tunes`, {
        method: "POST",
        headers: { authorization: `Bearer ${astria.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ tune: { title: phone, name: "woman", image_urls: ["https://example.com/1.jpg"] } })
      }).then((response) => response.json() as Promise<unknown>)
    )
    const id = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.Int }))(answer).id
    if (trained) yield* Effect.promise(() => Effect.runPromise(astria.control.finishTraining(id)))
    return id
  })

const cli = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const storage = yield* Effect.context<StoragePorts>()
    const astria = yield* Astria
    const environment = inMemoryCliEnvironment(Layer.succeedContext(storage), Layer.succeed(Astria, astria))
    return yield* Effect.promise(() => runCli(environment, args))
  })

const legacyCounts = () =>
  legacy.run(
    Effect.flatMap(SqlClient, (sql) =>
      sql<{ readonly n: number }>`SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM payments) + (SELECT count(*) FROM ratings) + (SELECT count(*) FROM pictures) AS n`
    )
  )

const says = (person: DriverUser, text: string) => Effect.zipRight(person.says(text), Effect.map(person.seen, (seen) => seen.length))

if (reachable) {
  const bot = BotDriver.layer.pipe(
    Layer.provideMerge(
      harnessBot({ storage: PgStorage.pipe(Layer.provideMerge(freshSchema("legacy_target"))), settings: { PHOTO_THRESHOLD: "3" } })
    )
  )

  beforeAll(async () => {
    legacy = await buildShared(freshSchema("legacy_source"))
    legacyUrl = Redacted.value(Option.getOrThrow(Option.fromNullable(Context.get(legacy.context, PgClient.PgClient).config.url)))
    await legacy.run(Effect.flatMap(SqlClient, (sql) => sql.unsafe(legacySchema)))
  })
  afterAll(() => legacy.close())

  describe("import-legacy: the original bot's people carried over", () => {
    layer(bot, { timeout: 120_000, excludeTestServices: true })("over Postgres and the harness", (it) => {
      it.effect("imports each state (dry run first, idempotent), and each person's next message is answered as the original would have", () =>
        Effect.gen(function* () {
          const model = yield* originalTune(phones.model)
          yield* originalTune(phones.oldTitle)
          const expired = yield* originalTune(phones.expired)
          yield* Effect.flatMap(FakeAstria, (astria) => Effect.promise(() => fetch(`${astria.baseUrl}/tunes/${expired}`, { method: "DELETE", headers: { authorization: `Bearer ${astria.apiKey}` } })))
          const feedbackModel = yield* originalTune(phones.feedback)
          yield* Effect.promise(() =>
            legacy.run(
              Effect.flatMap(SqlClient, (sql) =>
                sql.unsafe(`
                  INSERT INTO users VALUES
                    ('${phones.fresh}', 0, '0', NULL, NULL, NULL, 0),
                    ('${phones.photos}', 1, '0', NULL, NULL, 'man', 1),
                    ('${phones.model}', 2, '0', '${model}', '260', 'woman', 0),
                    ('${phones.oldTitle}', 2, '0', NULL, NULL, 'woman', 0),
                    ('${phones.expired}', 2, '0', '${expired}', NULL, 'woman', 0),
                    ('${phones.feedback}', 3, '0', '${feedbackModel}', '260', 'woman', 0);
                  INSERT INTO pictures VALUES ('${phones.photos}', 'wamid-media-1'), ('${phones.photos}', 'wamid-media-2'), ('${phones.photos}', 'wamid-media-3');
                  INSERT INTO payments VALUES ('1001', '2025-03-01'), ('1002', '2025-03-02');
                  INSERT INTO ratings VALUES ('${phones.model}', 5, '2025-03-03', NULL), ('${phones.feedback}', 2, '2025-03-04', NULL);`)
              )
            )
          )
          const before = yield* Effect.promise(legacyCounts)

          const dry = yield* cli(["import-legacy", "--from", legacyUrl, "--dry-run", "--json"])
          expect(dry.exitCode, dry.stderr).toBe(0)
          const planned = Schema.decodeUnknownSync(Imported)(jsonOf(dry.stdout))
          expect(planned.dryRun).toBe(true)
          expect(planned.people.map((person) => person.action)).toEqual(Array(6).fill("import"))
          expect(dry.stdout).not.toContain(phones.model)
          expect(yield* Effect.flatMap(Users, (users) => users.list({ limit: 100, offset: 0 }))).toEqual([])

          const run = yield* cli(["import-legacy", "--from", legacyUrl, "--json"])
          expect(run.exitCode, run.stderr).toBe(0)
          const imported = Schema.decodeUnknownSync(Imported)(jsonOf(run.stdout))
          expect(imported.payments).toEqual({ total: 2, recorded: 2 })
          // A late SUMIT notification of a payment the original handled is a duplicate here, as SUMIT's payments are kept.
          const late = new PaymentRecord({
            id: "sumit-1001",
            provider: "sumit",
            orderId: "unknown",
            userRef: Option.none(),
            amountMinor: 4900,
            currency: "ILS",
            tier: Option.none(),
            status: "paid",
            outcome: "unknown_order",
            paidAt: new Date(),
            receivedAt: new Date()
          })
          expect(yield* Effect.flatMap(PaymentRecords, (payments) => payments.recordIfNew(late))).toBe(false)
          const byPhone = new Map(imported.people.map((person) => [person.phone, person]))
          expect(byPhone.get(masked(phones.fresh))).toMatchObject({ legacyState: "NEW", stage: "New", language: "en", action: "import" })
          expect(byPhone.get(masked(phones.photos))).toMatchObject({ legacyState: "PICTURESLOADED", stage: "New", language: "he" })
          expect(byPhone.get(masked(phones.model))).toMatchObject({ stage: "TuneReady", model: "Usable" })
          expect(byPhone.get(masked(phones.oldTitle))).toMatchObject({ stage: "TuneReady", model: "Usable" })
          expect(byPhone.get(masked(phones.expired))).toMatchObject({ stage: "TuneReady", model: "Gone" })
          expect(byPhone.get(masked(phones.feedback))).toMatchObject({ stage: "WritingFeedback", model: "Usable" })

          const again = yield* cli(["import-legacy", "--from", legacyUrl, "--json"])
          const second = Schema.decodeUnknownSync(Imported)(jsonOf(again.stdout))
          expect(second.people.map((person) => person.action)).toEqual(Array(6).fill("present"))
          expect(second.payments).toEqual({ total: 2, recorded: 0 })
          expect(yield* Effect.flatMap(Users, (users) => users.list({ limit: 100, offset: 0 }))).toHaveLength(6)
          // Only read: the original's rows are all still there, unchanged in number.
          expect(yield* Effect.promise(legacyCounts)).toEqual(before)

          const driver = yield* BotDriver
          // NEW: the original answered any text with its welcome.
          const fresh = yield* driver.user({ waId: phones.fresh })
          yield* next(fresh, yield* says(fresh, "hi"), "the welcome", (m) => m.rows.some((r) => r.title === "Let's begin"))
          // PICTURESLOADED: the photos are gone (WhatsApp media expire), so they are asked for again, in Hebrew.
          const photos = yield* driver.user({ waId: phones.photos })
          yield* next(photos, yield* says(photos, "היי"), "the Hebrew welcome", (m) => m.rows.some((r) => r.title === "בואו נתחיל"))
          // TUNEREADY: the returning customer's message, with their saved model (found by id, or by its old title).
          for (const waId of [phones.model, phones.oldTitle]) {
            const returning = yield* driver.user({ waId })
            const seen = yield* next(returning, yield* says(returning, "hi"), "welcome back", (m) => m.rows.some((r) => r.title === "New model"))
            expect(seen.at(-1)?.rows.map((r) => r.title)).toContain("Saved model")
          }
          // TUNEREADY whose model Astria deleted: welcomed back, the model not offered.
          const lapsed = yield* driver.user({ waId: phones.expired })
          const lapsedSeen = yield* next(lapsed, yield* says(lapsed, "hi"), "welcome back", (m) => m.rows.some((r) => r.title === "New model"))
          expect(lapsedSeen.at(-1)?.rows.map((r) => r.title)).not.toContain("Saved model")
          // WRITING_FEEDBACK: their next text is their feedback, stored, and support is told.
          const critic = yield* driver.user({ waId: phones.feedback })
          yield* next(critic, yield* says(critic, "The eyes look odd"), "thanks for the feedback", (m) => /Thank you for telling us/.test(m.text))
          const stored = yield* Effect.flatMap(Feedback, (feedback) => feedback.awaitingSupport)
          expect(stored.map((item) => item.text)).toContain("The eyes look odd")
          const items = yield* Effect.flatMap(AttentionItems, (port) => port.list({ state: "open", limit: 100, offset: 0 }))
          expect(items.map((item) => item.reason)).toContain("LowRatingFeedback")
        })
      )

      it.effect("says so when the original's database cannot be read", () =>
        Effect.gen(function* () {
          const run = yield* cli(["import-legacy", "--from", "postgres://postgres@127.0.0.1:1/nothing", "--dry-run"])
          expect(run.exitCode).toBe(1)
          expect(run.stderr).toContain("The original bot's database could not be read")
        })
      )
    })
  })
} else if (inCi) {
  describe("import-legacy", () => {
    it("reaches the test database", () => {
      expect.fail("The test database cannot be reached; CI must provide DATABASE_URL")
    })
  })
} else {
  describe.skip("import-legacy (no database at DATABASE_URL)", () => {
    it("is skipped locally", () => undefined)
  })
}
