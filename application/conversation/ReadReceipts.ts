import { Context, Effect, FiberSet, Layer } from "effect"
import { Messenger } from "../ports/Messenger.js"

/**
 * Read receipts on their way at once. A conversation waits for one to go only past this: under a
 * burst the conversation is then paced by them as before, and they cannot queue ahead of the
 * replies without bound (each reserves a slot of the number's throughput).
 */
export const readReceiptsInFlight = 16

export interface ReadReceiptsService {
  /**
   * Marks the messages read (with the typing indicator) without waiting for Meta's answer, which
   * waits for its slot of the number's throughput: the conversation's delivery, and the person's
   * next message behind it, need not wait for a courtesy. Waits only while `readReceiptsInFlight`
   * are on their way. One that fails is logged and not tried again; on Azure Functions one still
   * on its way when the invocation ends goes when the host runs the process again, or is lost if
   * the host stops it: a courtesy either way.
   */
  readonly send: (messageIds: ReadonlyArray<string>) => Effect.Effect<void, never, Messenger>
}

export class ReadReceipts extends Context.Tag("whatsapp-astria-bot/ReadReceipts")<ReadReceipts, ReadReceiptsService>() {
  /** In the process's scope: closing it interrupts the receipts still on their way. */
  static readonly layer = Layer.scoped(
    this,
    Effect.gen(function* () {
      const permits = yield* Effect.makeSemaphore(readReceiptsInFlight)
      const fibers = yield* FiberSet.make()
      const markRead = (messageId: string) =>
        Effect.flatMap(Messenger, (messenger) => messenger.markRead(messageId)).pipe(
          Effect.catchAll((error) => Effect.logDebug("Read receipt not sent", { error: error._tag })),
          Effect.ensuring(permits.release(1))
        )
      return {
        send: (messageIds) =>
          Effect.forEach(
            messageIds,
            // Once taken, the permit is the forked receipt's to give back: nothing may come between
            // the two. The receipt itself is interruptible (a fiber forked here would inherit the
            // mask), so closing the scope does not wait for Meta's answer.
            (messageId) =>
              Effect.uninterruptibleMask((restore) =>
                Effect.zipRight(restore(permits.take(1)), FiberSet.run(fibers, Effect.interruptible(markRead(messageId))))
              ),
            { discard: true }
          )
      }
    })
  )
}
