import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { distinctPhotos } from "../reliability/distinctPhotos.js"
import { enoughReplies, readyForPhotos } from "../reliability/helpers.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { childBot, freePort, graphEnvironment } from "./childBot.js"
import { clientOf, logFile, peopleOnFakeGraph, urlOf } from "./support.js"

const reachable = await isReachable()

/**
 * The standalone bot (`npm start`'s entry) as a child process on a fresh Postgres schema, sending
 * through the fake Graph API of this test process (the person's phone outlives the bot). It is
 * killed with SIGKILL right after a photo was acknowledged, in the middle of handling it, and
 * started again on the same port and database.
 */
describe.skipIf(!reachable && !inCi)("the bot process killed in mid-flow", () => {
  it.live("after SIGKILL and a restart the conversation resumes: every photo stored once, every reply delivered", () =>
    Effect.gen(function* () {
      const photos = yield* distinctPhotos(3)
      const client = yield* clientOf(freshSchema("killed"))
      const people = yield* Layer.build(peopleOnFakeGraph)
      const graph = Context.get(people, FakeGraph)
      const port = yield* Effect.promise(freePort)
      const start = (label: string) =>
        childBot({ port, env: { ...graphEnvironment(graph), DATABASE_URL: urlOf(client), PHOTO_THRESHOLD: "3" }, logFile: logFile(`killed-${label}`) })
      const first = yield* start("first")
      yield* graph.setWebhookTarget(`${first.baseUrl}/SmsReceived`)

      const dana = yield* Effect.flatMap(BotDriver, (driver) => driver.user({ waId: "972504900001", name: "Dana" })).pipe(
        Effect.provide(people)
      )
      const mark = (yield* readyForPhotos(dana, 20_000)).length
      const firstPhoto = yield* dana.sendsPhoto(photos[0]!)
      yield* first.kill

      yield* start("second")
      for (const photo of photos.slice(1)) yield* dana.sendsPhoto(photo)
      const reactedTo = (seen: ReadonlyArray<{ readonly kind: string; readonly reactsTo?: string }>) =>
        new Set(seen.slice(mark).flatMap((m) => (m.kind === "Reaction" && m.reactsTo !== undefined ? [m.reactsTo] : [])))
      const seen = yield* dana.waitUntil("reactions to the three photos and enough photos", (all) => reactedTo(all).size === 3 && enoughReplies(all) >= 1, 60_000)
      expect(reactedTo(seen).has(firstPhoto)).toBe(true)

      const [photosStored] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM photos`
      expect(photosStored?.n).toBe(3)
      // hello, "Let's begin", "I'm ready", "Yes, I agree" and three photos: each stored once.
      const [inbound] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM inbound_messages`
      expect(inbound?.n).toBe(7)
      yield* Effect.sleep("1 second")
      expect(enoughReplies(yield* dana.seen)).toBe(1)
      const unsent = yield* client<{ readonly status: string }>`SELECT status FROM outbound_messages WHERE status IN ('pending', 'failed')`
      expect(unsent).toEqual([])
    }).pipe(Effect.scoped), 180_000)
})
