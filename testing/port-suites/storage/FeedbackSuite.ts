import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { Feedback, FeedbackRecord, RatingRecord } from "../../../application/ports/Feedback.js"
import { at, orderId, userId, uuid } from "./fixtures.js"

/** The guarantees of every Feedback adapter. */
export const feedbackSuite = <E>(name: string, layer: Layer.Layer<Feedback, E>) =>
  describe(`Feedback contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("keeps ratings and written feedback, lists the feedback support has not handled", () =>
        Effect.gen(function* () {
          const feedback = yield* Feedback
          const owner = userId()
          yield* feedback.addRating(new RatingRecord({ userId: owner, orderId: Option.some(orderId()), stars: 2, at: at(0) }))
          yield* feedback.addRating(new RatingRecord({ userId: owner, orderId: Option.none(), stars: 5, at: at(1) }))
          const open = new FeedbackRecord({ id: uuid(), userId: owner, orderId: Option.some(orderId()), text: "too dark", at: at(2), handled: false })
          const done = new FeedbackRecord({ id: uuid(), userId: owner, orderId: Option.none(), text: "ok", at: at(3), handled: true })
          yield* feedback.addFeedback(open)
          yield* feedback.addFeedback(done)
          const waiting = yield* feedback.awaitingSupport
          expect(waiting).toContainEqual(open)
          expect(waiting.map((f) => f.id)).not.toContain(done.id)
          expect(yield* feedback.deleteForUser(owner)).toBe(4)
          expect((yield* feedback.awaitingSupport).map((f) => f.id)).not.toContain(open.id)
          expect(yield* feedback.deleteForUser(owner)).toBe(0)
        }))
    })
  })
