import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { Users } from "../../application/ports/Users.js"
import { at, t0, unique, userId, uuid } from "../../testing/port-suites/storage/fixtures.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

const reachable = await isReachable()

/** Two bot processes on one database: each has its own pool, and they start together. */
const twoProcesses = Effect.gen(function* () {
  const client = Context.get(yield* Layer.build(freshSchema("two_processes")), PgClient.PgClient)
  const url = Option.getOrThrow(Option.fromNullable(client.config.url))
  const process = () => Layer.build(PgStorage.pipe(Layer.provide(PgClient.layer({ url, maxConnections: 4 }))))
  return yield* Effect.all([process(), process()], { concurrency: 2 })
})

describe.skipIf(!reachable && !inCi)("two processes sharing the Postgres database", () => {
  it.live("never claim the same outbox event, resolve one person to one user, and take turns on a user", () =>
    Effect.gen(function* () {
      expect(reachable, `the test database at ${new URL(testDatabaseUrl).host} cannot be reached`).toBe(true)
      const [a, b] = yield* twoProcesses
      const both = [a, b]
      const inEach = <X, E>(effect: Effect.Effect<X, E, Outbox | Users | UnitOfWork>, times: number) =>
        Effect.all(
          Array.from({ length: times * 2 }, (_, i) => Effect.provide(effect, both[i % 2]!)),
          { concurrency: "unbounded" }
        )

      const events = Array.from({ length: 60 }, (_, i) => ({
        id: uuid(), eventType: "E", key: `k${i % 5}`, body: "{}", createdAt: at(i)
      }))
      yield* Effect.provide(Effect.flatMap(Outbox, (o) => o.add(events)), a)
      const claimed = (yield* inEach(Effect.flatMap(Outbox, (o) => o.claim(10, at(100_000), "1 minute")), 3)).flat()
      expect(claimed).toHaveLength(60)
      expect(new Set(claimed.map((e) => e.id)).size).toBe(60)

      const waId = unique("972")
      const resolved = yield* inEach(
        Effect.flatMap(UnitOfWork, (u) =>
          u.transaction(
            Effect.flatMap(Users, (users) =>
              users.resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, userId(), t0)
            )
          )
        ),
        5
      )
      expect(new Set(resolved.map((r) => r.user.id)).size).toBe(1)
      expect(resolved.filter((r) => r.created)).toHaveLength(1)

      const id = userId()
      let inside = 0
      let overlapped = false
      yield* inEach(
        Effect.flatMap(UnitOfWork, (u) =>
          u.transaction(
            Effect.gen(function* () {
              const users = yield* Users
              yield* users.lock(id)
              inside += 1
              if (inside > 1) overlapped = true
              for (let i = 0; i < 3; i++) yield* users.get(id)
              inside -= 1
            })
          )
        ),
        4
      )
      expect(overlapped).toBe(false)
    }).pipe(Effect.scoped), 60_000)
})
