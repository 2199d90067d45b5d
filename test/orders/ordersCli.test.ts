import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { AttentionItems, NewAttentionItem } from "../../application/ports/AttentionItems.js"
import { Orders } from "../../application/ports/Orders.js"
import { Outbox } from "../../application/ports/Outbox.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import type { NoPaymentProvider, NoSharedBroker } from "../../runtimes/cli/CliErrors.js"
import { order, userId, uuid } from "../../testing/port-suites/storage/fixtures.js"
import { inMemoryCliEnvironment } from "../cli/support/previewsEnvironment.js"
import { buildShared, runCli, type Shared } from "../cli/support/runCli.js"

let storage: Shared<StoragePorts>
let environment: CliEnvironment<NoSharedBroker | NoPaymentProvider>

beforeAll(async () => {
  storage = await buildShared(InMemoryStorage)
  environment = inMemoryCliEnvironment(storage.layer)
})
afterAll(() => storage.close())

describe("orders attention and orders retry", () => {
  it("lists the orders on hold with why, and retries one: back to Paid, training requested, its item closed", async () => {
    const owner = userId()
    const paidAt = Option.some(new Date("2030-01-01T10:00:00Z"))
    const held = order(owner, { status: "NeedsAttention", paidAt })
    const delivered = order(owner, { status: "Delivered", paidAt })
    const item = await storage.run(
      Effect.gen(function* () {
        yield* Effect.flatMap(Orders, (orders) => Effect.forEach([held, delivered], orders.create))
        const { item } = yield* Effect.flatMap(AttentionItems, (items) =>
          items.open(
            new NewAttentionItem({
              id: uuid(),
              reason: "AstriaRefusedOrder",
              urgent: false,
              userId: Option.some(owner),
              orderId: Option.some(held.id),
              stage: Option.none(),
              detail: "Astria refused the tune (422): name: is not offered by pack",
              dedupeKey: Option.none(),
              context: [],
              openedAt: new Date()
            })
          )
        )
        return item
      })
    )

    const listed = await runCli(environment, ["orders", "attention"])
    expect(listed.exitCode).toBe(0)
    expect(listed.stdout).toContain(held.id)
    expect(listed.stdout).toContain(`#${item.number} AstriaRefusedOrder`)
    expect(listed.stdout).not.toContain(delivered.id)

    const refused = await runCli(environment, ["orders", "retry", delivered.id])
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toContain(`Order ${delivered.id} is Delivered, not NeedsAttention`)

    const pendingBefore = await storage.run(Effect.flatMap(Outbox, (outbox) => outbox.stats)).then((s) => s.pending)
    const retried = await runCli(environment, ["orders", "retry", held.id])
    expect(retried.exitCode).toBe(0)
    expect(retried.stdout).toContain(`Closed: #${item.number}`)
    const after = await storage.run(
      Effect.gen(function* () {
        const found = yield* Effect.flatMap(Orders, (orders) => orders.get(held.id))
        const stats = yield* Effect.flatMap(Outbox, (outbox) => outbox.stats)
        const open = yield* Effect.flatMap(AttentionItems, (items) => items.openForOrder(held.id))
        return { status: Option.map(found, (o) => o.status), pending: stats.pending, open: open.length }
      })
    )
    expect(after).toEqual({ status: Option.some("Paid"), pending: pendingBefore + 1, open: 0 })

    const again = await runCli(environment, ["orders", "attention"])
    expect(again.stdout).toContain("No orders need attention.")
  })
})
