import { createServer, type Server } from "node:http"
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Context, Effect, Layer, Redacted, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { serviceBusEntities } from "../../adapters/service-bus/ServiceBusEntities.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { FakeAstria, type FakeAstriaHandle } from "../../testing/fakes/astria/FakeAstria.js"
import type { FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { FakeGraph, FakeGraphLive } from "../../testing/fakes/graph-api/layers.js"
import { startFakeServiceBus, type FakeServiceBus } from "../service-bus/FakeServiceBus.js"
import { assertTestDatabase, testDatabaseUrl } from "../support/TestDatabase.js"
import { inMemoryCliEnvironment } from "./support/previewsEnvironment.js"
import { buildShared, runCli, type Shared } from "./support/runCli.js"

const wabaId = "102290129340398"

/** A server answering /health and /ready: as the bot does, or as some other application does. */
const startServer = (answer: (path: string) => { readonly status: number; readonly body: string }) =>
  new Promise<{ readonly server: Server; readonly url: string }>((resolve) => {
    const server = createServer((request, response) => {
      const { status, body } = answer(request.url ?? "/")
      response.writeHead(status, { "content-type": body.startsWith("{") ? "application/json" : "text/html" })
      response.end(body)
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({ server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` })
    })
  })

const asTheBot = (path: string) =>
  path === "/health"
    ? { status: 200, body: JSON.stringify({ status: "ok" }) }
    : path === "/ready"
      ? { status: 200, body: JSON.stringify({ status: "ready", services: ["webhooks", "workers"] }) }
      : { status: 404, body: "{}" }

let graph: Shared<FakeGraph>
let astria: Shared<FakeAstria>
let serviceBus: FakeServiceBus
let bot: { readonly server: Server; readonly url: string }
let database: Shared<SqlClient>
let databaseUrl: string
let settings: Record<string, string>
const environment = inMemoryCliEnvironment(InMemoryStorage)

const fakeGraph = (): FakeGraphApi => Context.get(graph.context, FakeGraph)
const fakeAstria = (): FakeAstriaHandle => Context.get(astria.context, FakeAstria)

beforeAll(async () => {
  graph = await buildShared(FakeGraphLive({ wabaId }))
  astria = await buildShared(FakeAstria.layer())
  serviceBus = await startFakeServiceBus({ topic: "bot-events", subscriptions: botSubscriptions, maxDeliveryCount: serviceBusEntities.maxDeliveryCount })
  bot = await startServer(asTheBot)
  assertTestDatabase(testDatabaseUrl)
  const schema = `t_doctor_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`
  const url = new URL(testDatabaseUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  databaseUrl = url.toString()
  database = await buildShared(PgClient.layer({ url: Redacted.make(testDatabaseUrl), maxConnections: 1 }))
  await database.run(Effect.flatMap(SqlClient, (sql) => sql`CREATE SCHEMA ${sql(schema)}`))
  await Effect.runPromise(Layer.build(MigrationsLive.pipe(Layer.provide(PgClient.layer({ url: Redacted.make(databaseUrl), maxConnections: 1 })))).pipe(Effect.scoped))
  await database.run(Effect.flatMap(SqlClient, (sql) => sql`SELECT 1`))
  afterAll(() => database.run(Effect.flatMap(SqlClient, (sql) => sql`DROP SCHEMA ${sql(schema)} CASCADE`)))

  await graph.run(fakeGraph().registerTemplate({ name: "photos_ready", language: "en_US", status: "APPROVED" }))
  await graph.run(fakeGraph().registerTemplate({ name: "photos_ready", language: "he", status: "APPROVED" }))
  await graph.run(fakeGraph().registerTemplate({ name: "under_review", language: "en_US", status: "PENDING" }))
  await graph.run(fakeGraph().registerTemplate({ name: "refused", language: "en_US", status: "REJECTED" }))
  const links = Object.fromEntries(
    ["LITE", "STANDARD", "PREMIUM"].flatMap((tier) => [
      [`PAYMENT_LINK_${tier}`, `https://pay.example.com/${tier.toLowerCase()}`],
      [`PAYMENT_LINK_${tier}_RETURNING`, `https://pay.example.com/${tier.toLowerCase()}-returning`]
    ])
  )
  settings = {
    WHATSAPP_API_URL: fakeGraph().baseUrl,
    WHATSAPP_API_KEY: fakeGraph().accessToken,
    WHATSAPP_NUMBER_ID: fakeGraph().phoneNumberId,
    WHATSAPP_APP_SECRET: fakeGraph().appSecret,
    WHATSAPP_VERIFY_TOKEN: "verify-me",
    WHATSAPP_BUSINESS_ACCOUNT_ID: wabaId,
    WHATSAPP_REENGAGEMENT_TEMPLATE: "photos_ready",
    WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE: "en_US",
    WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE: "he",
    ASTRIA_API_URL: fakeAstria().baseUrl,
    ASTRIA_API_KEY: fakeAstria().apiKey,
    PAYMENT_PROVIDER: "links",
    PAYMENT_WEBHOOK_SECRET: "a-webhook-secret",
    ...links,
    SERVICEBUS_CONNECTION_STRING: serviceBus.connectionString,
    DATABASE_URL: databaseUrl,
    PUBLIC_BASE_URL: bot.url
  }
}, 30_000)

afterAll(async () => {
  await graph.close()
  await astria.close()
  await serviceBus.close()
  await new Promise((resolve) => bot.server.close(resolve))
})

const JsonReport = Schema.parseJson(
  Schema.Struct({
    ok: Schema.Boolean,
    checks: Schema.Array(Schema.Struct({ part: Schema.String, check: Schema.String, verdict: Schema.Literal("ok", "FAIL", "skipped"), detail: Schema.String }))
  })
)

const doctor = async (overrides: Record<string, string | undefined> = {}) => {
  const merged = Object.fromEntries(Object.entries({ ...settings, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined))
  const run = await runCli(environment, ["doctor", "--json"], merged)
  const report = Schema.decodeUnknownSync(JsonReport)(run.stdout)
  const line = (part: string, check: string) => report.checks.find((each) => each.part === part && each.check === check)
  return { ...run, report, line }
}

describe("doctor", () => {
  it("checks every configured real part live against the fakes, each ok, and exits 0", async () => {
    const packListings = () => astria.run(Effect.map(fakeAstria().control.requests, (requests) => requests.filter((request) => request.path === "/packs").length))
    const listingsBefore = await packListings()
    const run = await doctor()
    expect(await packListings()).toBe(listingsBefore + 1)
    expect(run.report.checks.filter((line) => line.verdict === "FAIL")).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.report.ok).toBe(true)
    expect(run.line("WhatsApp", "token and number id")).toMatchObject({ verdict: "ok", detail: expect.stringContaining("15550783881") })
    expect(run.line("WhatsApp", "re-engagement template")).toMatchObject({ verdict: "ok", detail: "photos_ready (en_US) APPROVED" })
    expect(run.line("WhatsApp", "re-engagement template (Hebrew)")).toMatchObject({ verdict: "ok", detail: "photos_ready (he) APPROVED" })
    expect(run.line("Astria", "API key")?.verdict).toBe("ok")
    expect(run.line("Astria", "tier packs")?.verdict).toBe("ok")
    expect(run.line("Payments", "provider and mode")?.verdict).toBe("ok")
    expect(run.line("Payments", "checkout pages")?.verdict).toBe("skipped")
    expect(run.line("Service Bus", "topic bot-events")?.verdict).toBe("ok")
    for (const subscription of botSubscriptions) expect(run.line("Service Bus", `subscription ${subscription.name}`)?.verdict).toBe("ok")
    expect(run.line("Database", "reachable and migrated")).toMatchObject({
      verdict: "ok",
      // How big it has grown, for an operator watching the disk.
      detail: expect.stringMatching(/in all, stored photos \d+(\.\d)? k?B, largest \w+ /)
    })
    expect(run.line("Public URL", "served by this bot")?.verdict).toBe("ok")

    const table = await runCli(environment, ["doctor"], settings)
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/^PART\s+CHECK\s+VERDICT\s+DETAIL/)
    expect(table.stdout).toMatch(/WhatsApp\s+token and number id\s+ok/)
  }, 30_000)

  it("says the template is not checked without WHATSAPP_BUSINESS_ACCOUNT_ID", async () => {
    const run = await doctor({ WHATSAPP_BUSINESS_ACCOUNT_ID: undefined })
    expect(run.exitCode).toBe(0)
    expect(run.line("WhatsApp", "re-engagement template")).toMatchObject({ verdict: "skipped", detail: "set WHATSAPP_BUSINESS_ACCOUNT_ID to check" })
  }, 30_000)

  it("fails on a refused start plan, every problem named", async () => {
    const run = await doctor({ ASTRIA_API_KEY: undefined, WHATSAPP_NUMBER_ID: "not-digits" })
    expect(run.exitCode).toBe(1)
    expect(run.report.checks).toHaveLength(1)
    expect(run.line("Settings", "start plan")?.verdict).toBe("FAIL")
    expect(run.line("Settings", "start plan")?.detail).toContain("ASTRIA_API_KEY")
    expect(run.line("Settings", "start plan")?.detail).toContain("WHATSAPP_NUMBER_ID")
    expect(run.stderr).toContain("doctor: 1 check(s) failed")
  }, 30_000)

  const failures: ReadonlyArray<{
    readonly name: string
    readonly overrides: Record<string, string | undefined>
    readonly part: string
    readonly check: string
    readonly reason: string
    /** Lines that fail with it, as they depend on the same setting. */
    readonly alsoFailing?: ReadonlyArray<string>
  }> = [
    { name: "a wrong WhatsApp token (190)", overrides: { WHATSAPP_API_KEY: "EAAG-expired" }, part: "WhatsApp", check: "token and number id", reason: "Graph error 190", alsoFailing: ["WhatsApp: re-engagement template", "WhatsApp: re-engagement template (Hebrew)"] },
    { name: "an unknown number id", overrides: { WHATSAPP_NUMBER_ID: "999999999" }, part: "WhatsApp", check: "token and number id", reason: "WHATSAPP_NUMBER_ID 999999999: Graph error 100" },
    { name: "a template missing", overrides: { WHATSAPP_REENGAGEMENT_TEMPLATE: "no_such_template" }, part: "WhatsApp", check: "re-engagement template", reason: "no such template", alsoFailing: ["WhatsApp: re-engagement template (Hebrew)"] },
    { name: "a template in another language", overrides: { WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE: "fr" }, part: "WhatsApp", check: "re-engagement template", reason: "it exists in en_US, he; WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE)" },
    { name: "a Hebrew translation missing", overrides: { WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE: "he_IL" }, part: "WhatsApp", check: "re-engagement template (Hebrew)", reason: "it exists in en_US, he; WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE)" },
    { name: "a template pending review", overrides: { WHATSAPP_REENGAGEMENT_TEMPLATE: "under_review" }, part: "WhatsApp", check: "re-engagement template", reason: "PENDING, not APPROVED", alsoFailing: ["WhatsApp: re-engagement template (Hebrew)"] },
    { name: "a template rejected", overrides: { WHATSAPP_REENGAGEMENT_TEMPLATE: "refused" }, part: "WhatsApp", check: "re-engagement template", reason: "REJECTED, not APPROVED", alsoFailing: ["WhatsApp: re-engagement template (Hebrew)"] },
    { name: "an unknown business account", overrides: { WHATSAPP_BUSINESS_ACCOUNT_ID: "12345" }, part: "WhatsApp", check: "re-engagement template", reason: "WHATSAPP_BUSINESS_ACCOUNT_ID 12345", alsoFailing: ["WhatsApp: re-engagement template (Hebrew)"] },
    { name: "a bad Astria key (401)", overrides: { ASTRIA_API_KEY: "wrong-key" }, part: "Astria", check: "API key", reason: "ASTRIA_API_KEY: Astria refused the API key (401)", alsoFailing: ["Astria: tier packs"] },
    { name: "an unresolvable pack slug", overrides: { TIER_PREMIUM_PACKS: "fantasy-portraits,no-such-pack" }, part: "Astria", check: "tier packs", reason: "no-such-pack (TIER_PREMIUM_PACKS)" },
    { name: "an unreachable database", overrides: { DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" }, part: "Database", check: "reachable and migrated", reason: "DATABASE_URL" },
    { name: "a topic that does not exist", overrides: { SERVICEBUS_TOPIC: "no-such-topic" }, part: "Service Bus", check: "topic no-such-topic", reason: "topic no-such-topic: MessagingEntityNotFound: The messaging entity 'sb://localhost:", alsoFailing: botSubscriptions.map((subscription) => `Service Bus: subscription ${subscription.name}`) }
  ]
  for (const failure of failures) {
    it(`catches ${failure.name}`, async () => {
      const run = await doctor(failure.overrides)
      expect(run.exitCode).toBe(1)
      expect(run.report.ok).toBe(false)
      const line = run.line(failure.part, failure.check)
      expect(line?.verdict).toBe("FAIL")
      expect(line?.detail).toContain(failure.reason)
      const failing = run.report.checks.filter((each) => each.verdict === "FAIL").map((each) => `${each.part}: ${each.check}`)
      expect(failing.sort()).toEqual([`${failure.part}: ${failure.check}`, ...(failure.alsoFailing ?? [])].sort())
    }, 30_000)
  }

  it("catches a subscription missing from the namespace", async () => {
    const [kept, ...missing] = botSubscriptions
    const partial = await startFakeServiceBus({ topic: "bot-events", subscriptions: kept === undefined ? [] : [kept], maxDeliveryCount: 3 })
    try {
      const run = await doctor({ SERVICEBUS_CONNECTION_STRING: partial.connectionString })
      expect(run.exitCode).toBe(1)
      const failing = run.report.checks.filter((line) => line.verdict === "FAIL").map((line) => line.check)
      expect(failing.sort()).toEqual(missing.map((subscription) => `subscription ${subscription.name}`).sort())
      expect(run.line("Service Bus", `subscription ${kept?.name}`)?.verdict).toBe("ok")
    } finally {
      await partial.close()
    }
  }, 30_000)

  it("gives each check its own time: a PUBLIC_BASE_URL that never answers fails alone, after --timeout", async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    const address = silent.address()
    try {
      const merged = { ...settings, PUBLIC_BASE_URL: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` }
      const run = await runCli(environment, ["doctor", "--json", "--timeout", "1"], merged)
      const report = Schema.decodeUnknownSync(JsonReport)(run.stdout)
      expect(run.exitCode).toBe(1)
      expect(report.checks.filter((line) => line.verdict === "FAIL")).toEqual([
        { part: "Public URL", check: "served by this bot", verdict: "FAIL", detail: "no answer within 1s" }
      ])
    } finally {
      silent.closeAllConnections()
      await new Promise((resolve) => silent.close(resolve))
    }
  }, 30_000)

  it("catches a database that is not migrated", async () => {
    const schema = `t_doctor_empty_${Date.now().toString(36)}`
    await database.run(Effect.flatMap(SqlClient, (sql) => sql`CREATE SCHEMA ${sql(schema)}`))
    try {
      const url = new URL(testDatabaseUrl)
      url.searchParams.set("options", `-c search_path=${schema}`)
      const run = await doctor({ DATABASE_URL: url.toString() })
      expect(run.exitCode).toBe(1)
      expect(run.line("Database", "reachable and migrated")?.verdict).toBe("FAIL")
    } finally {
      await database.run(Effect.flatMap(SqlClient, (sql) => sql`DROP SCHEMA ${sql(schema)} CASCADE`))
    }
  }, 30_000)

  it("catches PUBLIC_BASE_URL answered by another server, whether its /health is a page or a generic {status: ok}", async () => {
    const page = await startServer(() => ({ status: 200, body: "<html>It works!</html>" }))
    const generic = await startServer((path) => (path === "/health" ? { status: 200, body: JSON.stringify({ status: "ok" }) } : { status: 404, body: "Not found" }))
    try {
      for (const other of [page, generic]) {
        const run = await doctor({ PUBLIC_BASE_URL: other.url })
        expect(run.exitCode).toBe(1)
        expect(run.line("Public URL", "served by this bot")).toMatchObject({ verdict: "FAIL", detail: expect.stringContaining("another server answers there") })
      }
    } finally {
      await new Promise((resolve) => page.server.close(resolve))
      await new Promise((resolve) => generic.server.close(resolve))
    }
  }, 30_000)
})
