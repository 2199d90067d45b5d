import { Effect } from "effect"
import { countOtherNumberEvent } from "../../application/metrics/BotMetrics.js"
import type { InboundEvent } from "../../contracts/whatsapp/InboundEvent.js"

/** Numbers already named in the log; a few per account at most, so the set stays small. */
const logged = new Set<string>()

/**
 * Keeps the events for our number. Meta sends one app's webhooks for every number of the
 * business account; answering another number's customers from ours would be a stranger writing.
 * The others are counted, and each number is named in the log once per process.
 */
export const keepOurNumber = (events: ReadonlyArray<InboundEvent>, ourNumberId: string | undefined) =>
  Effect.gen(function* () {
    if (ourNumberId === undefined) return events
    const ours: Array<InboundEvent> = []
    for (const event of events) {
      if (event.phoneNumberId === ourNumberId) {
        ours.push(event)
        continue
      }
      yield* countOtherNumberEvent(event.phoneNumberId)
      if (!logged.has(event.phoneNumberId)) {
        logged.add(event.phoneNumberId)
        yield* Effect.logWarning("Webhook events for another number of the business account are ignored", {
          phoneNumberId: event.phoneNumberId,
          ours: ourNumberId
        })
      }
    }
    return ours
  })
