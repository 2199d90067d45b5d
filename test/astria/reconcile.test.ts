import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { OrderId, PackId } from "../../domain/ids.js"
import { Astria, AstriaTimeout, TuneSource } from "../../application/ports/Astria.js"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { reconcileOrder } from "../../application/training/reconcileOrder.js"

/** Astria does not document whether a pack tune's prompts are listed: suppose they are not. */
const unlistedPrompts = Layer.effect(
  Astria,
  Effect.map(Astria, (astria) => Astria.of({ ...astria, listPrompts: () => Effect.succeed([]) }))
).pipe(Layer.provideMerge(InMemoryAstria.layer()))

const request = (orderId: string) => ({
  orderId: OrderId.make(orderId),
  packId: PackId.make(260),
  className: "man",
  characteristics: {},
  source: TuneSource.photos([{ bytes: new Uint8Array([1]), contentType: "image/jpeg", fileName: "a.jpg" }]),
  callbacks: { tune: "http://cb", prompts: "http://cb" }
})

describe("reconcileOrder", () => {
  it.effect("falls back to the prompt ids it already knows when listing finds none", () =>
    Effect.gen(function* () {
      const astria = yield* Astria
      const control = yield* InMemoryAstria.InMemoryAstriaControl
      const created = yield* astria.createPackTune(request("order-known-prompts"))
      const rendered = yield* control.complete(created.id)

      const blind = yield* reconcileOrder({ orderId: OrderId.make("order-known-prompts"), tuneId: Option.some(created.id), knownPromptIds: [] })
      expect(blind._tag).toBe("Pending")

      const known = yield* reconcileOrder({
        orderId: OrderId.make("order-known-prompts"),
        tuneId: Option.some(created.id),
        knownPromptIds: rendered.map((p) => p.id)
      })
      expect(known._tag).toBe("Complete")
      expect(known._tag === "Complete" ? known.updates[1] : undefined).toEqual({ kind: "prompts-ready", prompts: rendered, allPrompts: true })
    }).pipe(Effect.provide(unlistedPrompts))
  )

  it.effect("reports partial rendering as Pending, with the prompts that are ready", () =>
    Effect.gen(function* () {
      const astria = yield* Astria
      const control = yield* InMemoryAstria.InMemoryAstriaControl
      const created = yield* astria.createPackTune(request("order-training"))
      yield* control.startTraining(created.id)
      const training = yield* reconcileOrder({ orderId: OrderId.make("order-training"), tuneId: Option.some(created.id), knownPromptIds: [] })
      expect(training._tag === "Pending" && training.tune.status).toBe("training")
      expect(training._tag === "Pending" && training.updates).toEqual([])

      yield* control.finishTraining(created.id)
      const trained = yield* reconcileOrder({ orderId: OrderId.make("order-training"), tuneId: Option.some(created.id), knownPromptIds: [] })
      expect(trained._tag).toBe("Pending")
      expect(trained._tag === "Pending" && trained.updates.map((u) => u.kind)).toEqual(["tune-trained"])
    }).pipe(Effect.provide(InMemoryAstria.layer()))
  )

  it.effect("a create whose answer was lost (done, then a timeout) is found by title", () =>
    Effect.gen(function* () {
      const astria = yield* Astria
      const control = yield* InMemoryAstria.InMemoryAstriaControl
      yield* control.failNext("createPackTune", new AstriaTimeout({ message: "504" }), { afterEffect: true })
      const error = yield* Effect.flip(astria.createPackTune(request("order-lost-answer")))
      expect(error._tag).toBe("AstriaTimeout")
      const [tune] = yield* control.tunes
      yield* control.complete(tune!.id)
      const outcome = yield* reconcileOrder({ orderId: OrderId.make("order-lost-answer"), tuneId: Option.none(), knownPromptIds: [] })
      expect(outcome._tag === "Complete" && outcome.tune.id).toBe(tune!.id)
      // Creating again (a redelivered payment event) does not make a second tune.
      const again = yield* astria.createPackTune(request("order-lost-answer"))
      expect(again.id).toBe(tune!.id)
      expect(yield* control.tunes).toHaveLength(1)
    }).pipe(Effect.provide(InMemoryAstria.layer()))
  )
})
