import { randomUUID } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { Astria, TuneSource } from "../../application/ports/Astria.js"
import { Packs } from "../../application/ports/Packs.js"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { OrderId, TuneId } from "../../domain/ids.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "../journey/photos.js"
import { toThePacks } from "./toThePacks.js"
import { waitForPreviews } from "./waitForPreviews.js"

/** One data directory for the database and the fakes, as `npm start` has. */
const dataDir = mkdtempSync(join(tmpdir(), "bot-restart-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** The whole bot over PGlite and fakes that keep their state in `dataDir`: one start of it. */
const start = () =>
  BotDriver.layer.pipe(
    Layer.provideMerge(
      harnessBot({
        storage: PgStorage.pipe(Layer.provide(EmbeddedPglite.layer({ dataDir: join(dataDir, "pglite") }))),
        graph: { dataDir: join(dataDir, "fakes", "graph-api") },
        astria: { dataDir: join(dataDir, "fakes", "astria") },
        settings: { PHOTO_THRESHOLD: "3" }
      })
    )
  )

/** The previews for men, by pack. */
const menPreviews = Effect.map(
  Effect.flatMap(Packs, (packs) => packs.list),
  (packs) => packs.flatMap((pack) => (pack.previews["man"] === undefined ? [] : [[pack.id, pack.previews["man"]] as const]))
)

describe("a restarted development bot is the same world", () => {
  it.live(
    "people, what they received, media, tunes and prompts outlive a stop; previews are shown after the restart without being uploaded again",
    () =>
      Effect.gen(function* () {
        // The first run: previews uploaded, a man shown them, a model trained.
        const first = yield* Effect.scoped(
          Effect.gen(function* () {
            const packs = yield* waitForPreviews()
            const previews = yield* menPreviews
            const driver = yield* BotDriver
            const dan = yield* driver.user({ waId: "972505555701", name: "Dan" })
            const shown = (yield* toThePacks(dan)).map((picture) => picture.mediaId)
            expect(shown.length).toBeGreaterThan(0)
            for (const mediaId of shown) expect(previews.map(([, id]) => id)).toContain(mediaId)
            const preview = shown[0]!

            const fakeAstria = yield* FakeAstria
            yield* fakeAstria.control.dropCallbacks(true)
            const astria = yield* Astria
            const tune = yield* astria.createPackTune({
              orderId: OrderId.make(randomUUID()),
              packId: packs[0]!.id,
              className: "man",
              characteristics: {},
              source: TuneSource.photos(acceptablePhotos.map((bytes, n) => ({ bytes, contentType: "image/jpeg", fileName: `${n}.jpg` }))),
              callbacks: { tune: "http://127.0.0.1:9/tune", prompts: "http://127.0.0.1:9/prompts" }
            })
            yield* fakeAstria.control.complete(tune.id)
            const prompts = yield* astria.listPrompts(tune.id)
            const graph = yield* FakeGraph
            const received = yield* graph.received({ waId: "972505555701" })
            const sheet = Option.getOrThrow(yield* graph.media(preview))
            return { preview, previews, shown, pack: packs[0]!.id, tune: tune.id, prompts, received, sheet }
          }).pipe(Effect.provide(start()))
        )
        expect(first.prompts.length).toBeGreaterThan(0)

        // The second run, over the same directory.
        yield* Effect.scoped(
          Effect.gen(function* () {
            const graph = yield* FakeGraph
            // The people and everything they received.
            expect(yield* graph.user({ waId: "972505555701" })).toEqual(Option.some(expect.objectContaining({ name: "Dan" })))
            expect(yield* graph.received({ waId: "972505555701" })).toEqual(first.received)
            // The media, under the same id.
            expect(yield* graph.media(first.preview)).toEqual(Option.some(first.sheet))

            // The model and its prompts; their images are served from the fake's new address.
            const astria = yield* Astria
            const tune = yield* astria.getTune(first.tune)
            expect(tune.status).toBe("trained")
            const prompts = yield* astria.listPrompts(first.tune)
            expect(prompts.map((prompt) => prompt.id)).toEqual(first.prompts.map((prompt) => prompt.id))
            const fakeAstria = yield* FakeAstria
            const image = prompts[0]!.images[0]!
            expect(image.startsWith(`${fakeAstria.baseUrl}/`)).toBe(true)
            const status = yield* Effect.promise(() => fetch(image).then((response) => response.status))
            expect(status).toBe(200)
            // Ids go on where they stopped: a new tune is not mistaken for an old one.
            const next = yield* astria.createPackTune({
              orderId: OrderId.make(randomUUID()),
              packId: first.pack,
              className: "man",
              characteristics: {},
              source: TuneSource.savedTunes([TuneId.make(first.tune)]),
              callbacks: { tune: "http://127.0.0.1:9/tune", prompts: "http://127.0.0.1:9/prompts" }
            })
            expect(next.id).toBeGreaterThan(first.tune)

            // The previews kept their ids, and a new person is shown them as they were.
            yield* waitForPreviews()
            expect(yield* menPreviews).toEqual(first.previews)
            const driver = yield* BotDriver
            const eve = yield* driver.user({ waId: "972505555702", name: "Eve" })
            const pictures = yield* toThePacks(eve)
            expect(pictures.map((picture) => picture.mediaId)).toEqual(first.shown)
            expect(yield* menPreviews).toEqual(first.previews)
            // Nothing was refused: no media id WhatsApp did not hold.
            expect((yield* graph.attempts).filter((attempt) => attempt.code === 100)).toEqual([])
          }).pipe(Effect.provide(start()))
        )
      }),
    300_000
  )
})
