import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { HarnessBot } from "../../testing/HarnessBot.js"
import { distinctPhotos } from "../reliability/distinctPhotos.js"
import { enoughReplies, reactions, readyForPhotos } from "../reliability/helpers.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { botOnSharedGraph } from "./inProcessBot.js"
import { clientOf, peopleOnFakeGraph, postSigned, urlOf } from "./support.js"

const reachable = await isReachable()

/**
 * Two bot servers on one Postgres schema. Each is the whole standalone composition with its own
 * HTTP server, connection pool, in-memory broker, outbox relay and workers; what they share is
 * what two processes share: the database, and Meta (one fake Graph API that both send to and
 * that the person's phone reads). They run in this test's process, so the test can see the
 * phone; nothing in memory is shared between them. The burst's webhooks alternate between them.
 */
describe.skipIf(!reachable && !inCi)("a burst of photos across two bot servers sharing the database", () => {
  it.live("20 different photos of one person, half to each server, end as 20 stored photos and one \"that's enough photos\"", () =>
    Effect.gen(function* () {
      const photos = yield* distinctPhotos(20)
      const client = yield* clientOf(freshSchema("burst_two"))
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const server = () =>
        Effect.map(
          Layer.build(
            botOnSharedGraph({
              graph,
              storage: PgStorage.pipe(Layer.provideMerge(PgClient.layer({ url: Redacted.make(urlOf(client)), maxConnections: 4 }))),
              settings: { PHOTO_THRESHOLD: "5" }
            })
          ),
          (context) => Context.get(context, HarnessBot).baseUrl
        )
      const a = yield* server()
      const b = yield* server()
      yield* graph.setWebhookTarget(`${a}/SmsReceived`)

      const dana = yield* Effect.flatMap(BotDriver, (driver) => driver.user({ waId: "972504600001", name: "Dana" })).pipe(
        Effect.provide(people)
      )
      const mark = (yield* readyForPhotos(dana, 10_000)).length
      const statuses = yield* Effect.forEach(
        photos,
        (photo, i) =>
          Effect.flatMap(graph.putMedia(photo, "image/jpeg"), (mediaId) =>
            postSigned(graph, i % 2 === 0 ? a : b, dana.who, { type: "image", image: { id: mediaId, mime_type: "image/jpeg", sha256: "" } })
          ),
        { concurrency: "unbounded" }
      )
      expect(statuses.map((s) => s.status)).toEqual(photos.map(() => 200))
      yield* dana.waitUntil("a reaction to each of the 20 photos", (seen) => reactions(seen, mark) >= 20, 40_000)

      const [stored] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM photos`
      expect(stored?.n).toBe(20)
      yield* Effect.sleep("1 second")
      expect(enoughReplies(yield* dana.seen)).toBe(1)
      expect(reactions(yield* dana.seen, mark)).toBe(20)
    }).pipe(Effect.scoped), 120_000)
})
