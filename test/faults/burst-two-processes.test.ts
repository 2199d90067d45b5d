import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { distinctPhotos } from "../reliability/distinctPhotos.js"
import { enoughReplies, reactions, readyForPhotos } from "../reliability/helpers.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { childBot, freePort, graphEnvironment } from "./childBot.js"
import { clientOf, logFile, peopleOnFakeGraph, postSigned, urlOf } from "./support.js"

const reachable = await isReachable()

/**
 * Two `npm start` processes (the standalone entry under tsx, each with its own in-memory broker,
 * relay and workers) on one Postgres schema, the only thing they share, as two servers behind a
 * load balancer would. Both send through the one fake Graph API of this test process, so the
 * person's phone shows what either process sent. The burst's webhooks alternate between them.
 */
describe.skipIf(!reachable && !inCi)("a burst of photos across two server processes", () => {
  it.live("20 different photos of one person, half to each process, end as 20 stored photos and one \"that's enough photos\"", () =>
    Effect.gen(function* () {
      const photos = yield* distinctPhotos(20)
      const client = yield* clientOf(freshSchema("burst_processes"))
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const env = { ...graphEnvironment(graph), DATABASE_URL: urlOf(client), PHOTO_THRESHOLD: "5" }
      const [a, b] = yield* Effect.all(
        ["a", "b"].map((label) => Effect.flatMap(Effect.promise(freePort), (port) => childBot({ port, env, logFile: logFile(`burst-${label}`) }))),
        { concurrency: 2 }
      )
      if (a === undefined || b === undefined) return yield* Effect.dieMessage("two processes expected")
      yield* graph.setWebhookTarget(`${a.baseUrl}/SmsReceived`)

      const dana = yield* Effect.flatMap(BotDriver, (driver) => driver.user({ waId: "972504600002", name: "Dana" })).pipe(
        Effect.provide(people)
      )
      const mark = (yield* readyForPhotos(dana, 20_000)).length
      const statuses = yield* Effect.forEach(
        photos,
        (photo, i) =>
          Effect.flatMap(graph.putMedia(photo, "image/jpeg"), (mediaId) =>
            postSigned(graph, (i % 2 === 0 ? a : b).baseUrl, dana.who, { type: "image", image: { id: mediaId, mime_type: "image/jpeg", sha256: "" } })
          ),
        { concurrency: "unbounded" }
      )
      expect(statuses.map((s) => s.status)).toEqual(photos.map(() => 200))
      yield* dana.waitUntil("a reaction to each of the 20 photos", (seen) => reactions(seen, mark) >= 20, 60_000)

      const [stored] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM photos`
      expect(stored?.n).toBe(20)
      yield* Effect.sleep("1 second")
      expect(enoughReplies(yield* dana.seen)).toBe(1)
      expect(reactions(yield* dana.seen, mark)).toBe(20)
    }).pipe(Effect.scoped), 180_000)
})
