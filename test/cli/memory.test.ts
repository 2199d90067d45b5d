import { Effect, Layer, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FetchHttpClient } from "@effect/platform"
import * as HttpAstria from "../../adapters/astria/HttpAstria.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { Orders } from "../../application/ports/Orders.js"
import { Photos } from "../../application/ports/Photos.js"
import { Users } from "../../application/ports/Users.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import type { NoPaymentProvider, NoSharedBroker } from "../../runtimes/cli/CliErrors.js"
import { order } from "../../testing/port-suites/storage/fixtures.js"
import { buildShared, runCli, type Shared } from "./support/runCli.js"
import { phoneNumber, seedCustomer, seedPendingEvent } from "./support/seed.js"
import { inMemoryCliEnvironment } from "./support/previewsEnvironment.js"

let storage: Shared<StoragePorts>
let environment: CliEnvironment<NoSharedBroker | NoPaymentProvider>

beforeAll(async () => {
  storage = await buildShared(InMemoryStorage)
  environment = inMemoryCliEnvironment(storage.layer)
})
afterAll(() => storage.close())

describe("the command line on in-memory storage", () => {
  it("answers --help for the tool and for a command, and names every command", async () => {
    const top = await runCli(environment, ["--help"])
    expect(top.exitCode).toBe(0)
    for (const command of ["migrate", "users list", "users show", "users reset", "users erase", "orders list", "outbox status", "dead-letters list", "dead-letters replay", "packs sync", "reconcile", "maintenance run", "feedback list", "payments review", "attention list", "attention show", "attention close", "support reply", "import-legacy"]) {
      expect(top.stdout).toContain(command)
    }
    const erase = await runCli(environment, ["users", "erase", "--help"])
    expect(erase.exitCode).toBe(0)
    expect(erase.stdout).toContain("--yes")
  })

  it("points at the commands of a group run alone, with exit code 1", async () => {
    const run = await runCli(environment, ["users"])
    expect(run).toMatchObject({ exitCode: 1, stdout: "" })
    expect(run.stderr).toContain("list, show, reset, erase")
  })

  it("rejects bad input with a message and exit code 1", async () => {
    const limit = await runCli(environment, ["users", "list", "--limit", "0"])
    expect(limit.exitCode).toBe(1)
    expect(limit.stderr).toContain("--limit must be between 1 and 1000")
    const unknown = await runCli(environment, ["users", "frobnicate"])
    expect(unknown.exitCode).toBe(1)
    expect(unknown.stderr.length).toBeGreaterThan(0)
  })

  it("has nothing to migrate in memory", async () => {
    const run = await runCli(environment, ["migrate"])
    expect(run).toMatchObject({ exitCode: 0, stdout: "The schema is up to date; no migration to apply." })
  })

  it("lists and shows users with their phone numbers masked, as a table or as JSON", async () => {
    const phone = phoneNumber()
    const { id, orderId } = await storage.run(seedCustomer(phone))

    const list = await runCli(environment, ["users", "list"])
    expect(list.exitCode).toBe(0)
    expect(list.stdout).toMatch(/^ID\s+PHONE\s+BSUID\s+STAGE\s+CREATED/)
    expect(list.stdout).toContain(id)
    expect(list.stdout).toContain(`+${phone.slice(0, 5)}•••••${phone.slice(-2)}`)
    expect(list.stdout).not.toContain(phone)

    const json = await runCli(environment, ["users", "list", "--json"])
    const users: unknown = JSON.parse(json.stdout)
    expect(users).toContainEqual(expect.objectContaining({ id, stage: "PicturesLoaded", phone: `+${phone.slice(0, 5)}•••••${phone.slice(-2)}` }))
    expect(json.stdout).not.toContain(phone)

    const show = await runCli(environment, ["users", "show", id])
    expect(show.exitCode).toBe(0)
    expect(show.stdout).toMatch(/Stage\s+PicturesLoaded/)
    expect(show.stdout).toMatch(/Stored photos\s+3/)
    expect(show.stdout).toContain(orderId)
    expect(show.stdout).toContain("49.00 ILS")
    expect(show.stdout).not.toContain(phone)

    const shown = await runCli(environment, ["users", "show", id, "--json"])
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, language: "he", storedPhotos: 3, orders: [{ id: orderId, status: "Training" }] })
    expect(shown.stdout).not.toContain(phone)
  })

  it("says so for an unknown user id, with exit code 1 and no stack trace", async () => {
    for (const command of [["show"], ["reset", "--yes"], ["erase", "--yes"], ["erase"]]) {
      const run = await runCli(environment, ["users", ...command, "no-such-user"])
      expect(run).toMatchObject({ exitCode: 1, stdout: "", stderr: "No user with id no-such-user" })
    }
  })

  it("erases only with --yes: without it, says what it would erase and changes nothing", async () => {
    const { id } = await storage.run(seedCustomer(phoneNumber()))

    const dry = await runCli(environment, ["users", "erase", id])
    expect(dry.exitCode).toBe(1)
    expect(dry.stdout).toContain("3 photo(s)")
    expect(dry.stderr).toContain("--yes")
    expect(await storage.run(Effect.flatMap(Photos, (photos) => photos.countForUser(id)))).toBe(3)

    const erased = await runCli(environment, ["users", "erase", id, "--yes", "--json"])
    expect(erased.exitCode).toBe(0)
    expect(JSON.parse(erased.stdout)).toEqual({ userId: id, photos: 3, messages: 0, orders: 1, tunes: 1 })
    expect((await storage.run(Effect.flatMap(Users, (users) => users.get(id))))._tag).toBe("None")

    const again = await runCli(environment, ["users", "erase", id, "--yes"])
    expect(again).toMatchObject({ exitCode: 1, stderr: `No user with id ${id}` })
  })

  it("resets a conversation to New and deletes the photos, keeping the language, the consent to keep photos and the orders in flight", async () => {
    const { id, orderId } = await storage.run(seedCustomer(phoneNumber()))
    expect((await runCli(environment, ["users", "reset", id])).exitCode).toBe(1)

    const reset = await runCli(environment, ["users", "reset", id, "-y"])
    expect(reset).toMatchObject({ exitCode: 0, stdout: `User ${id} reset: PicturesLoaded -> New, 3 photo(s) deleted.` })
    const shown = JSON.parse((await runCli(environment, ["users", "show", id, "--json"])).stdout)
    expect(shown).toMatchObject({ stage: "New", language: "he", storedPhotos: 0, orders: [{ id: orderId }] })
    const conversation = await storage.run(Effect.flatMap(Users, (users) => users.loadConversation(id)))
    expect(Option.getOrThrow(conversation)).toMatchObject({
      stage: "New",
      acceptedPhotos: 0,
      photoConsent: true,
      orders: [{ id: orderId, status: "Training" }]
    })
  })

  it("lists orders, feedback waiting for support and payments needing review", async () => {
    const { id, orderId } = await storage.run(seedCustomer(phoneNumber()))

    const orders = await runCli(environment, ["orders", "list", "--user", id])
    expect(orders.exitCode).toBe(0)
    expect(orders.stdout).toMatch(new RegExp(`${orderId}\\s+${id}\\s+Training`))
    const ordersJson = JSON.parse((await runCli(environment, ["orders", "list", "--json"])).stdout)
    expect(ordersJson).toContainEqual(expect.objectContaining({ id: orderId, amountMinor: 4900 }))
    for (const order of ordersJson) expect(order).not.toHaveProperty("callbackTokenHash")

    const feedback = await runCli(environment, ["feedback", "list"])
    expect(feedback.stdout).toContain("The faces look nothing like me")
    expect(feedback.stdout).toContain(id)

    const payments = await runCli(environment, ["payments", "review"])
    expect(payments.stdout).toMatch(new RegExp(`${orderId}\\s+underpaid\\s+1.00 ILS`))
  })

  it("shows the outbox status", async () => {
    await storage.run(seedPendingEvent)
    const run = await runCli(environment, ["outbox", "status", "--json"])
    expect(run.exitCode).toBe(0)
    const status = JSON.parse(run.stdout)
    expect(status.pending).toBeGreaterThanOrEqual(1)
    expect(new Date(status.oldestPendingAt).getTime()).toBeLessThanOrEqual(Date.now())
    const table = await runCli(environment, ["outbox", "status"])
    expect(table.stdout).toMatch(/Pending\s+[1-9]/)
  })

  it("runs maintenance and reports what it did; a second run finds nothing more", async () => {
    const first = await runCli(environment, ["maintenance", "run"], { HISTORY_RETENTION_DAYS: "30" })
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toMatch(/Unpaid photos deleted\s+\d+/)
    const second = await runCli(environment, ["maintenance", "run", "--json"])
    expect(JSON.parse(second.stdout)).toMatchObject({ inboundMessagesDeleted: 0, unpaidPhotosDeleted: 0, publishedOutboxDeleted: 0 })
  })

  it("reconciles now: a paid order that never got its tune has its training requested again", async () => {
    const { id } = await storage.run(seedCustomer(phoneNumber()))
    const hourAgo = new Date(Date.now() - 3_600_000)
    await storage.run(
      Effect.flatMap(Orders, (orders) => orders.create(order(id, { status: "Paid", createdAt: hourAgo, paidAt: Option.some(hourAgo) })))
    )
    const run = await runCli(environment, ["reconcile", "--json"])
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ checked: 0, completed: 0, trainingRequestedAgain: 1 })
    const table = await runCli(environment, ["reconcile"], { RECONCILER_GRACE: "2 hours" })
    expect(table.stdout).toMatch(/Trainings requested again\s+0/)
  })

  it("stops on a malformed setting and names it", async () => {
    const run = await runCli(environment, ["maintenance", "run"], { HISTORY_RETENTION_DAYS: "a fortnight" })
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain("Setting HISTORY_RETENTION_DAYS is malformed")
  })

  it("syncs the pack catalogue from Astria", async () => {
    const run = await runCli(environment, ["packs", "sync"], { TIER_STANDARD_PACKS: "dating-profile", TIER_PREMIUM_PACKS: "fantasy-portraits" })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain("Synced 2 pack(s) from Astria.")
    expect(run.stdout).toContain("Configured but not listed on Astria: Premium: fantasy-portraits")
    expect(run.stdout).toMatch(/261\s+Standard\s+dating-profile/)
    expect(JSON.parse((await runCli(environment, ["packs", "list", "--json"])).stdout)).toHaveLength(2)
  })

  it("names a missing Astria key when syncing packs on the real adapter", async () => {
    const real: CliEnvironment<unknown> = { ...environment, astria: HttpAstria.fromConfig.pipe(Layer.provide(FetchHttpClient.layer)) }
    const run = await runCli(real, ["packs", "sync"])
    expect(run).toMatchObject({ exitCode: 1, stdout: "" })
    expect(run.stderr).toContain("Setting ASTRIA_API_KEY is missing")
  })

  it("explains that dead letters of the in-memory broker live in the running bot", async () => {
    const run = await runCli(environment, ["dead-letters", "list", "conversation"])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain("live in the running bot process")
  })
})
