import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import type { Layer } from "effect"
import { Inbox } from "../../../application/ports/Inbox.js"
import { UnitOfWork } from "../../../application/ports/UnitOfWork.js"
import { t0, uuid } from "./fixtures.js"

/** The guarantees of every Inbox adapter. */
export const inboxSuite = <E>(name: string, layer: Layer.Layer<Inbox | UnitOfWork, E>) =>
  describe(`Inbox contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("is true the first time per consumer and event", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const event = uuid()
          expect(yield* inbox.markHandled("conversation", event, t0)).toBe(true)
          expect(yield* inbox.markHandled("conversation", event, t0)).toBe(false)
          expect(yield* inbox.markHandled("images", event, t0)).toBe(true)
        }))

      it.effect("lets exactly one of concurrent deliveries take effect", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const unitOfWork = yield* UnitOfWork
          const event = uuid()
          const results = yield* Effect.all(
            Array.from({ length: 8 }, () => unitOfWork.transaction(inbox.markHandled("delivery", event, t0))),
            { concurrency: "unbounded" }
          )
          expect(results.filter(Boolean)).toHaveLength(1)
        }))

      it.effect("forgets the mark when the consumer's transaction fails, so the redelivery takes effect", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const unitOfWork = yield* UnitOfWork
          const event = uuid()
          const failed = yield* Effect.exit(
            unitOfWork.transaction(Effect.zipRight(inbox.markHandled("training", event, t0), Effect.fail("boom")))
          )
          expect(Exit.isFailure(failed)).toBe(true)
          expect(yield* unitOfWork.transaction(inbox.markHandled("training", event, t0))).toBe(true)
        }))
    })
  })
