import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Ref } from "effect"
import { ReadReceipts, readReceiptsInFlight } from "../../application/conversation/ReadReceipts.js"
import { Messenger } from "../../application/ports/Messenger.js"

describe("read receipts", () => {
  it.scoped("are on their way without the conversation waiting for Meta's answer; past the bound, it waits for one to go", () =>
    Effect.gen(function* () {
      const started = yield* Ref.make<ReadonlyArray<string>>([])
      const answer = yield* Deferred.make<void>()
      // A Graph API that takes read receipts and answers none of them until `answer`.
      const messenger = Messenger.of({
        send: () => Effect.dieMessage("no sends here"),
        markRead: (messageId) => Effect.zipRight(Ref.update(started, (all) => [...all, messageId]), Deferred.await(answer)),
        uploadMedia: () => Effect.dieMessage("no uploads here")
      })
      const receipts = yield* ReadReceipts
      const send = (messageId: string) => receipts.send([messageId]).pipe(Effect.provideService(Messenger, messenger))
      const ids = Array.from({ length: readReceiptsInFlight }, (_, n) => `wamid.${n}`)

      // Each returns with its receipt still unanswered.
      for (const id of ids) yield* send(id)
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(yield* Ref.get(started)).toEqual(ids)

      // One more waits for a permit, and goes once Meta answers those on their way.
      const beyond = yield* Effect.fork(send("wamid.beyond"))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(Option.isNone(yield* Fiber.poll(beyond))).toBe(true)
      yield* Deferred.succeed(answer, undefined)
      yield* Fiber.join(beyond)
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(yield* Ref.get(started)).toEqual([...ids, "wamid.beyond"])
    }).pipe(Effect.provide(ReadReceipts.layer)))

  it.live("closing their scope interrupts the receipts still on their way", () =>
    Effect.gen(function* () {
      const [started, interrupted] = yield* Effect.all([Deferred.make<void>(), Deferred.make<void>()])
      // A Graph API that never answers a read receipt.
      const messenger = Messenger.of({
        send: () => Effect.dieMessage("no sends here"),
        markRead: () =>
          Effect.zipRight(Deferred.succeed(started, undefined), Effect.onInterrupt(Effect.never, () => Deferred.succeed(interrupted, undefined))),
        uploadMedia: () => Effect.dieMessage("no uploads here")
      })
      yield* Effect.flatMap(ReadReceipts, (receipts) => Effect.zipRight(receipts.send(["wamid.unanswered"]), Deferred.await(started))).pipe(
        Effect.provideService(Messenger, messenger),
        Effect.provide(ReadReceipts.layer),
        Effect.scoped,
        Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("closing waited for the receipt on its way") })
      )
      expect(yield* Deferred.isDone(interrupted)).toBe(true)
    }))
})
