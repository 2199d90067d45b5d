import { Context } from "effect"
import type { Effect } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** Which consumer already handled which event, so a redelivered event takes effect once. */
export class Inbox extends Context.Tag("whatsapp-astria-bot/Inbox")<
  Inbox,
  {
    /** True the first time; call it in the same transaction as the consumer's effect. */
    readonly markHandled: (consumer: string, eventId: string, now: Date) => Effect.Effect<boolean, StorageUnavailable>
    /** Forgets events handled before the cutoff, long after any redelivery could come. */
    readonly deleteHandledBefore: (cutoff: Date) => Effect.Effect<number, StorageUnavailable>
  }
>() {}
