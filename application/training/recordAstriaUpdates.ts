import { Effect } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import type { OrderRecord } from "../ports/Orders.js"
import { eventRecord } from "../events/eventRecord.js"
import { OutboxWakeup } from "../events/Wakeup.js"
import type { AstriaUpdate } from "../ports/Astria.js"
import { Outbox } from "../ports/Outbox.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"

/**
 * What Astria reported about an order, by callback or to the reconciler: the one path both take.
 * Finished prompts become a `PackImagesUpdatedEvent`; the conversation sends each prompt's images
 * once, however often it is reported, as they come. `complete` says every prompt of the tune is
 * done (the pack's `prompts_callback`, or the reconciler's full listing): once those images are
 * sent the conversation marks the order delivered, and the reconciler stops asking about it. The
 * photos are deleted by the conversation once the order is delivered (the decider knows whether
 * another paid order still needs them) and by the weekly maintenance.
 */
export const recordAstriaUpdates = (order: OrderRecord, updates: ReadonlyArray<AstriaUpdate>) =>
  Effect.gen(function* () {
    const prompts = updates.flatMap((update) =>
      update.kind === "prompts-ready"
        ? update.prompts
            .filter((prompt) => prompt.images.length > 0)
            .map((prompt) => ({ promptId: prompt.id, images: prompt.images }))
        : []
    )
    const complete = updates.some(
      (update) =>
        update.kind === "prompts-ready" &&
        update.allPrompts === true &&
        update.prompts.length > 0 &&
        update.prompts.every((prompt) => prompt.done)
    )
    const trained = updates.some((update) => update.kind === "tune-trained")
    const record = prompts.length > 0 || complete
    const unitOfWork = yield* UnitOfWork
    yield* unitOfWork.transaction(
      Effect.gen(function* () {
        if (!record) return
        const event = yield* eventRecord(
          BotEvents.PackImagesUpdated,
          order.userId,
          { userId: order.userId, orderId: order.id, prompts, complete },
          "image"
        )
        yield* Effect.flatMap(Outbox, (outbox) => outbox.add([event]))
      })
    )
    if (record) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
    return { prompts: prompts.length, complete, trained }
  })
