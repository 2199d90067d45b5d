import { randomUUID } from "node:crypto"
import { expect, layer } from "@effect/vitest"
import type { Layer } from "effect"
import { Context, Effect, Option } from "effect"
import { OrderId, PackId } from "../../domain/ids.js"
import type { PackTuneRequest, PhotoUpload } from "../../application/ports/Astria.js"
import { Astria, PromptId, TuneSource } from "../../application/ports/Astria.js"
import { reconcileOrder } from "../../application/training/reconcileOrder.js"
import { renderImage } from "../fakes/astria/images.js"

/**
 * The contract every Astria adapter keeps, run against each of them (in memory, and the HTTP
 * adapter talking to the fake over real HTTP). Besides the port, a test needs to move time on
 * Astria's side: that is the driver.
 */
export interface AstriaSuiteDriverService {
  /** Finishes training and rendering of a tune, as Astria eventually would. */
  readonly complete: (tuneId: number) => Effect.Effect<void>
}

export class AstriaSuiteDriver extends Context.Tag("whatsapp-astria-bot/harness/AstriaSuiteDriver")<
  AstriaSuiteDriver,
  AstriaSuiteDriverService
>() {}

/** A real JPEG, so adapters that look at the bytes accept it. */
export const samplePhoto = (key: string): Effect.Effect<PhotoUpload> =>
  Effect.promise(() => renderImage(key, 640)).pipe(
    Effect.map((bytes) => ({ bytes, contentType: "image/jpeg", fileName: `${key}.jpg` }))
  )

const newOrderId = () => OrderId.make(randomUUID())

const firstPack = Effect.flatMap(Astria, (astria) =>
  Effect.flatMap(astria.listPacks, (packs) => Effect.fromNullable(packs[0]).pipe(Effect.orDie))
)

const requestFor = (orderId: OrderId, source: TuneSource) =>
  Effect.map(
    firstPack,
    (pack): PackTuneRequest => ({
      orderId,
      packId: pack.id,
      className: "woman",
      characteristics: { eye_color: "green" },
      source,
      callbacks: {
        tune: "http://127.0.0.1:9/pack-tune-received?order=x&token=y",
        prompts: "http://127.0.0.1:9/pack-tune-received?order=x&token=y"
      }
    })
  )

const photos = Effect.all([samplePhoto("contract-a"), samplePhoto("contract-b"), samplePhoto("contract-c")])

export const astriaSuite = <E>(name: string, adapter: Layer.Layer<Astria | AstriaSuiteDriver, E>) =>
  layer(adapter, { excludeTestServices: true, timeout: "60 seconds" })(`Astria contract: ${name}`, (it) => {
    it.effect("lists packs with slugs, and details them with offers and sample images", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const packs = yield* astria.listPacks
        expect(packs.length).toBeGreaterThan(0)
        expect(new Set(packs.map((p) => p.slug)).size).toBe(packs.length)
        const pack = packs[0]!
        const detail = yield* astria.getPack(pack.id)
        expect(detail.slug).toBe(pack.slug)
        expect(detail.offers["woman"]?.imageCount).toBeGreaterThan(0)
        const samples = detail.samples["woman"] ?? []
        expect(samples.length).toBeGreaterThan(0)
        expect(samples.every((s) => s.images.length > 0)).toBe(true)
      })
    )

    it.effect("an unknown pack is AstriaNotFound", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const error = yield* Effect.flip(astria.getPack(PackId.make(999_999)))
        expect(error._tag).toBe("AstriaNotFound")
      })
    )

    it.effect("inspects a photo against the expected class", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const inspection = yield* astria.inspectPhoto(yield* samplePhoto("inspect-me"), "woman")
        expect(inspection.className).toBe("woman")
        expect(inspection.multiplePeople).toBe(false)
      })
    )

    it.effect("creates a pack tune titled with the order id, queued with an ETA", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const orderId = newOrderId()
        const created = yield* astria.createPackTune(yield* requestFor(orderId, TuneSource.photos(yield* photos)))
        expect(Option.isSome(created.eta)).toBe(true)
        const tune = yield* astria.getTune(created.id)
        expect(tune.title).toBe(orderId)
        expect(tune.className).toBe("woman")
        expect(tune.status).not.toBe("trained")
        const found = yield* astria.findTuneByTitle(orderId)
        expect(Option.map(found, (t) => t.id)).toEqual(Option.some(created.id))
        expect(yield* astria.listPrompts(created.id)).toEqual([])
      })
    )

    it.effect("creating the same order twice yields one tune", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const request = yield* requestFor(newOrderId(), TuneSource.photos(yield* photos))
        const first = yield* astria.createPackTune(request)
        const second = yield* astria.createPackTune(request)
        expect(second.id).toBe(first.id)
      })
    )

    it.effect("an unknown title is found as none", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        expect(yield* astria.findTuneByTitle(newOrderId())).toEqual(Option.none())
      })
    )

    it.effect("no photos and no saved model is a validation error", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const error = yield* Effect.flip(astria.createPackTune(yield* requestFor(newOrderId(), TuneSource.photos([]))))
        expect(error._tag).toBe("AstriaValidationError")
      })
    )

    it.effect("training and rendering: prompts appear with images, can be fetched one by one and liked", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const driver = yield* AstriaSuiteDriver
        const created = yield* astria.createPackTune(yield* requestFor(newOrderId(), TuneSource.photos(yield* photos)))
        yield* driver.complete(created.id)
        const tune = yield* astria.getTune(created.id)
        expect(tune.status).toBe("trained")
        expect(Option.isSome(tune.trainedAt)).toBe(true)
        expect(Option.isSome(tune.expiresAt)).toBe(true)
        const prompts = yield* astria.listPrompts(created.id)
        expect(prompts.length).toBeGreaterThan(0)
        expect(prompts.every((p) => p.done && p.images.length > 0)).toBe(true)
        const one = yield* astria.getPrompt(created.id, prompts[0]!.id)
        expect(one.images).toEqual(prompts[0]!.images)
        yield* astria.likePrompt(prompts[0]!.id)
        const missing = yield* Effect.flip(astria.likePrompt(PromptId.make(9_999_999)))
        expect(missing._tag).toBe("AstriaNotFound")
      })
    )

    it.effect("a saved model can be reused instead of photos", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const driver = yield* AstriaSuiteDriver
        const saved = yield* astria.createPackTune(yield* requestFor(newOrderId(), TuneSource.photos(yield* photos)))
        yield* driver.complete(saved.id)
        const orderId = newOrderId()
        const reused = yield* astria.createPackTune(yield* requestFor(orderId, TuneSource.savedTunes([saved.id])))
        expect(reused.id).not.toBe(saved.id)
        expect((yield* astria.getTune(reused.id)).title).toBe(orderId)
      })
    )

    it.effect("deleting a tune makes it unknown; deleting again succeeds", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const created = yield* astria.createPackTune(yield* requestFor(newOrderId(), TuneSource.photos(yield* photos)))
        yield* astria.deleteTune(created.id)
        const error = yield* Effect.flip(astria.getTune(created.id))
        expect(error._tag).toBe("AstriaNotFound")
        yield* astria.deleteTune(created.id)
      })
    )

    it.effect("the reconciler sees what the callbacks would have carried", () =>
      Effect.gen(function* () {
        const astria = yield* Astria
        const driver = yield* AstriaSuiteDriver
        const never = yield* reconcileOrder({ orderId: newOrderId(), tuneId: Option.none(), knownPromptIds: [] })
        expect(never._tag).toBe("NotCreated")

        const orderId = newOrderId()
        const created = yield* astria.createPackTune(yield* requestFor(orderId, TuneSource.photos(yield* photos)))
        const pending = yield* reconcileOrder({ orderId, tuneId: Option.none(), knownPromptIds: [] })
        expect(pending._tag).toBe("Pending")

        yield* driver.complete(created.id)
        const done = yield* reconcileOrder({ orderId, tuneId: Option.some(created.id), knownPromptIds: [] })
        if (done._tag !== "Complete") return yield* Effect.die(`expected Complete, got ${done._tag}`)
        expect(done.updates.map((u) => u.kind)).toEqual(["tune-trained", "prompts-ready"])
        const ready = done.updates[1]
        const listed = yield* astria.listPrompts(created.id)
        expect(ready?.kind === "prompts-ready" ? ready.prompts.map((p) => p.id) : []).toEqual(listed.map((p) => p.id))
      })
    )
  })
