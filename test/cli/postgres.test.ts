import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { migrations } from "../../adapters/postgres/Migrations.js"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import { Photos } from "../../application/ports/Photos.js"
import { Users } from "../../application/ports/Users.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import { NoPaymentProvider } from "../../runtimes/cli/CliErrors.js"
import { SchemaMigrations } from "../../runtimes/cli/SchemaMigrations.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"
import { buildShared, runCli, type Shared } from "./support/runCli.js"
import { phoneNumber, seedCustomer } from "./support/seed.js"
import { spawnCli } from "./support/spawnCli.js"
import { previewsInMemory } from "./support/previewsEnvironment.js"

const reachable = await isReachable()

if (reachable) {
  describe("the command line on Postgres", () => {
    // One fresh schema for the file; each command builds its own pool and storage on it, as a process would.
    let database: Shared<PgClient.PgClient | SqlClient>
    let environment: CliEnvironment<unknown>
    let schemaUrl: string

    beforeAll(async () => {
      database = await buildShared(freshSchema("cli"))
      // The helper's URL for the schema (search_path included), for the child processes.
      schemaUrl = Redacted.value(Option.getOrThrow(Option.fromNullable(Context.get(database.context, PgClient.PgClient).config.url)))
      environment = {
        storage: PgStorage.pipe(Layer.provide(database.layer)),
        migrations: SchemaMigrations.sql.pipe(Layer.provide(database.layer)),
        astria: InMemoryAstria.layer(),
        previews: previewsInMemory,
        // The bot's broker in the same database, as the command line has it without Service Bus.
        broker: PgEventBroker.layer({ subscriptions: botSubscriptions }).pipe(Layer.provide(database.layer)),
        payments: Layer.fail(new NoPaymentProvider())
      }
    })
    afterAll(() => database.close())

    it("migrates a fresh schema once, then finds it up to date", async () => {
      expect(await runCli(environment, ["migrate"])).toMatchObject({ exitCode: 0, stdout: `Applied ${Object.keys(migrations).length} migration(s): ${Object.keys(migrations).join(", ")}` })
      expect(await runCli(environment, ["migrate", "--json"])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('"applied": []') })
    })

    it("lists and shows users masked, and refuses an unknown id", async () => {
      const phone = phoneNumber()
      const { id, orderId } = await database.run(seedCustomer(phone).pipe(Effect.provide(PgStorage)))
      const masked = `+${phone.slice(0, 5)}•••••${phone.slice(-2)}`

      const list = await runCli(environment, ["users", "list", "--limit", "1000"])
      expect(list.exitCode).toBe(0)
      expect(list.stdout).toMatch(new RegExp(`${id}\\s+\\${masked}\\s+IL\\.•+\\S{3}\\s+PicturesLoaded`))
      expect(list.stdout).not.toContain(phone)

      const show = await runCli(environment, ["users", "show", id, "--json"])
      expect(JSON.parse(show.stdout)).toMatchObject({ id, phone: masked, storedPhotos: 3, orders: [{ id: orderId }] })
      expect(show.stdout).not.toContain(phone)

      expect(await runCli(environment, ["users", "show", "nobody"])).toMatchObject({ exitCode: 1, stderr: "No user with id nobody" })
    })

    it("erases in one transaction only with --yes", async () => {
      const { id } = await database.run(seedCustomer(phoneNumber()).pipe(Effect.provide(PgStorage)))
      expect((await runCli(environment, ["users", "erase", id])).exitCode).toBe(1)
      expect(await database.run(Effect.flatMap(Photos, (photos) => photos.countForUser(id)).pipe(Effect.provide(PgStorage)))).toBe(3)

      const erased = await runCli(environment, ["users", "erase", "--yes", id])
      expect(erased).toMatchObject({ exitCode: 0, stdout: expect.stringContaining(`User ${id} erased: 3 photo(s)`) })
      const user = await database.run(Effect.flatMap(Users, (users) => users.get(id)).pipe(Effect.provide(PgStorage)))
      expect(Option.isNone(user)).toBe(true)
    })

    it("erases the person's events from the broker's queue too, queued and dead-lettered, and no one else's", async () => {
      const { id } = await database.run(seedCustomer(phoneNumber()).pipe(Effect.provide(PgStorage)))
      const [subscription] = botSubscriptions
      const eventType = subscription?.eventTypes[0] ?? ""
      const rowsOf = (key: string) =>
        Effect.flatMap(SqlClient, (sql) => sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM event_deliveries WHERE key = ${key}`).pipe(
          Effect.map((rows) => rows[0]?.n)
        )
      await database.run(
        Effect.gen(function* () {
          const broker = yield* EventBroker
          yield* broker.publish([
            { id: `${id}-queued`, key: id, eventType, body: '{"text":"my words"}' },
            { id: `${id}-dead`, key: id, eventType, body: '{"text":"more words"}' },
            { id: `${id}-other`, key: `${id}-someone-else`, eventType, body: "{}" }
          ])
          const sql = yield* SqlClient
          yield* sql`UPDATE event_deliveries SET state = 'dead' WHERE message_id = ${`${id}-dead`}`
        }).pipe(Effect.provide(PgEventBroker.layer({ subscriptions: botSubscriptions })))
      )
      expect(await database.run(rowsOf(id))).toBeGreaterThanOrEqual(2)

      expect((await runCli(environment, ["users", "erase", "--yes", id])).exitCode).toBe(0)
      expect(await database.run(rowsOf(id))).toBe(0)
      expect(await database.run(rowsOf(`${id}-someone-else`))).toBeGreaterThanOrEqual(1)
    })

    it("shows the outbox status and runs maintenance", async () => {
      const status = await runCli(environment, ["outbox", "status", "--json"])
      expect(status.exitCode).toBe(0)
      // The erasure above wrote a UserErasedEvent for the person's model.
      expect(JSON.parse(status.stdout).pending).toBeGreaterThanOrEqual(1)

      const maintenance = await runCli(environment, ["maintenance", "run", "--json"])
      expect(maintenance.exitCode).toBe(0)
      expect(JSON.parse(maintenance.stdout)).toMatchObject({
        tunesExpired: expect.any(Number),
        tablesAnalyzed: true,
        growth: { totalBytes: expect.any(Number), photoBytes: expect.any(Number), tables: expect.arrayContaining([expect.objectContaining({ table: "photos" })]) }
      })
      const table = await runCli(environment, ["maintenance", "run"])
      expect(table.stdout).toMatch(/Database size\s+\d/)
    })

    it("runs as a process on DATABASE_URL: migrate, list, and exit code 1 for an unknown id", async () => {
      const migrate = await spawnCli(["migrate"], { DATABASE_URL: schemaUrl })
      expect(migrate).toMatchObject({ exitCode: 0, stdout: "The schema is up to date; no migration to apply." })

      const list = await spawnCli(["users", "list", "--limit", "1000", "--json"], { DATABASE_URL: schemaUrl })
      expect(list.exitCode).toBe(0)
      const users: ReadonlyArray<{ readonly phone: string }> = JSON.parse(list.stdout)
      expect(users.length).toBeGreaterThanOrEqual(1)
      for (const user of users) expect(user.phone).toMatch(/^\+\d{5}•+\d{2}$/)

      const unknown = await spawnCli(["users", "show", "nobody"], { DATABASE_URL: schemaUrl })
      expect(unknown).toMatchObject({ exitCode: 1, stdout: "", stderr: "No user with id nobody" })
    }, 120_000)
  })
} else if (inCi) {
  describe("the command line on Postgres", () => {
    it("reaches the test database", () => {
      expect.fail(`The test database at ${new URL(testDatabaseUrl).host} cannot be reached; CI must provide DATABASE_URL`)
    })
  })
} else {
  describe.skip("the command line on Postgres (no database at DATABASE_URL)", () => {
    it("is skipped locally", () => undefined)
  })
}
