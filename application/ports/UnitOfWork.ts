import { Context } from "effect"
import type { Effect } from "effect"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/**
 * Runs storage work atomically: every port call inside `transaction` commits together or not at
 * all. Never put a download, a WhatsApp send or an Astria call inside one.
 */
export class UnitOfWork extends Context.Tag("whatsapp-astria-bot/UnitOfWork")<
  UnitOfWork,
  {
    readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
  }
>() {}
