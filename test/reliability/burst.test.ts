import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { distinctPhotos } from "./distinctPhotos.js"
import { enoughReplies, reactions, readyForPhotos, storedPhotosOf } from "./helpers.js"

const settings = { PHOTO_THRESHOLD: "5" }
const reachable = await isReachable()

const burstOn = (name: string, storage: Layer.Layer<StoragePorts, unknown>) =>
  layer(BotDriver.layer.pipe(Layer.provideMerge(harnessBot({ storage, settings }))), {
    timeout: 60_000,
    excludeTestServices: true
  })(name, (it) => {
    it.effect(
      "20 different photos of one person posted at once end as 20 stored photos and one \"that's enough photos\"",
      () =>
        Effect.gen(function* () {
          const photos = yield* distinctPhotos(20)
          const driver = yield* BotDriver
          const dana = yield* driver.user({ waId: "972504000001", name: "Dana" })
          const mark = (yield* readyForPhotos(dana)).length
          // Every photo is its own webhook, all in flight together: the per-user order is the bot's job.
          yield* Effect.forEach(photos, (photo) => dana.sendsPhoto(photo), { concurrency: "unbounded", discard: true })
          yield* dana.waitUntil("a reaction to each of the 20 photos", (seen) => reactions(seen, mark) === 20, 40_000)
          // Late work (a redelivered event, a second count) would be queued until the bot is quiet.
          yield* driver.quiescent()
          expect(yield* storedPhotosOf("972504000001")).toBe(20)
          expect(enoughReplies(yield* dana.seen)).toBe(1)
          expect(reactions(yield* dana.seen, mark)).toBe(20)
        }),
      60_000
    )
  })

describe("a burst of photos from one person", () => {
  burstOn("in memory", InMemoryStorage)
  if (reachable || inCi) burstOn("on Postgres", PgStorage.pipe(Layer.provideMerge(freshSchema("burst"))))
})
