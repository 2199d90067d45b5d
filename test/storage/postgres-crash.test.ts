import { execFileSync } from "node:child_process"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, Redacted } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { Users } from "../../application/ports/Users.js"
import { arrival, t0, unique, userId } from "../../testing/port-suites/storage/fixtures.js"
import { privateCluster } from "../support/PrivateCluster.js"
import { inCi } from "../support/TestDatabase.js"

const hasInitdb = (() => {
  try {
    execFileSync("initdb", ["--version"])
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!hasInitdb && !inCi)("Postgres crashing in the middle of traffic (a private cluster)", () => {
  it.live("keeps every acknowledged webhook with its event, refuses work while down, and works again after the restart", () =>
    Effect.gen(function* () {
      const cluster = yield* privateCluster
      const storage = yield* Layer.build(
        PgStorage.pipe(
          Layer.provide(PgClient.layer({ url: Redacted.make(cluster.url), maxConnections: 4, connectTimeout: "2 seconds" }))
        )
      )
      const waId = unique("972")
      const { user } = yield* Effect.flatMap(Users, (users) =>
        users.resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, userId(), t0)
      ).pipe(Effect.provide(storage))
      // What the webhook does: the message and its event in one atomic write; 200 only after it.
      const ingest = Effect.flatMap(InboundMessages, (inbound) => {
        const sent = arrival({ waId })
        return Effect.as(inbound.recordArrivals([sent]), sent.event.body)
      }).pipe(Effect.provide(storage))

      const acknowledged: Array<string> = []
      let refused = 0
      let stopped = false
      const worker = Effect.whileLoop({
        while: () => !stopped,
        body: () =>
          ingest.pipe(
            Effect.map((id) => void acknowledged.push(id)),
            Effect.catchTag("StorageUnavailable", () => Effect.sync(() => void (refused += 1)))
          ),
        step: () => undefined
      })
      const traffic = yield* Effect.fork(Effect.all(Array.from({ length: 4 }, () => worker), { concurrency: "unbounded" }))
      yield* Effect.sleep("400 millis")
      yield* cluster.crash
      yield* Effect.sleep("300 millis")
      yield* cluster.start
      yield* Effect.sleep("700 millis")
      stopped = true
      yield* Fiber.join(traffic)
      expect(refused).toBeGreaterThan(0)
      expect(acknowledged.length).toBeGreaterThan(0)

      // Every acknowledged message is there, and each stored message with its event (all or
      // nothing). A COMMIT whose answer the crash swallowed may have landed too: Meta retries
      // that message, and the dedupe by wamid takes it once.
      const events = yield* Effect.flatMap(Outbox, (outbox) => outbox.claim(100_000, t0, "1 minute")).pipe(
        Effect.provide(storage)
      )
      const stored = new Set(events.map((e) => e.body))
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([])
      expect(stored.size).toBe(events.length)
      const messages = yield* Effect.flatMap(InboundMessages, (inbound) => inbound.countForUser(user.id)).pipe(
        Effect.provide(storage)
      )
      expect(messages).toBe(events.length)
    }).pipe(Effect.scoped), 120_000)
})
