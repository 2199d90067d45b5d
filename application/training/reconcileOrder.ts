import type { Option } from "effect"
import { Duration, Effect } from "effect"
import type { OrderId, TuneId } from "../../domain/ids.js"
import type { AstriaError, AstriaTune, AstriaUpdate, GeneratedPrompt, PromptId } from "../ports/Astria.js"
import { Astria } from "../ports/Astria.js"

/**
 * The reconciler's step for one order whose callback is overdue: ask Astria what the callbacks
 * would have told us. Its `updates` go through the same idempotent handling as callbacks, so a
 * race between the two delivers each prompt's images once.
 */

export interface OverdueOrder {
  readonly orderId: OrderId
  /** Unknown when the create timed out before we learned it; then the tune is found by title. */
  readonly tuneId: Option.Option<TuneId>
  /** Prompt ids already learned from callbacks, fetched one by one when listing finds none. */
  readonly knownPromptIds: ReadonlyArray<PromptId>
}

export type Reconciliation =
  /** No tune carries this order's title: it was never created (create it again). */
  | { readonly _tag: "NotCreated" }
  /** Still training or rendering; `updates` holds whatever is ready already. */
  | { readonly _tag: "Pending"; readonly tune: AstriaTune; readonly updates: ReadonlyArray<AstriaUpdate> }
  /** Trained and every prompt done: after `updates` the order needs nothing more from Astria. */
  | { readonly _tag: "Complete"; readonly tune: AstriaTune; readonly updates: ReadonlyArray<AstriaUpdate> }

/** Whether an order has waited past its ETA plus a grace period. Pure: the caller passes `now`. */
export const isOverdue = (expectedAt: Date, now: Date, grace: Duration.DurationInput): boolean =>
  now.getTime() > expectedAt.getTime() + Duration.toMillis(grace)

const promptsOf = (tuneId: TuneId, known: ReadonlyArray<PromptId>) =>
  Effect.flatMap(Astria, (astria) =>
    Effect.flatMap(astria.listPrompts(tuneId), (listed) =>
      listed.length > 0 || known.length === 0
        ? Effect.succeed(listed)
        : Effect.forEach(known, (id) => astria.getPrompt(tuneId, id), { concurrency: 4 })
    )
  )

export const reconcileOrder = (order: OverdueOrder): Effect.Effect<Reconciliation, AstriaError, Astria> =>
  Effect.gen(function* () {
    const astria = yield* Astria
    const tune = yield* order.tuneId._tag === "Some"
      ? Effect.asSome(astria.getTune(order.tuneId.value))
      : astria.findTuneByTitle(order.orderId)
    if (tune._tag === "None") return { _tag: "NotCreated" } as const
    if (tune.value.status !== "trained") return { _tag: "Pending", tune: tune.value, updates: [] } as const
    const prompts: ReadonlyArray<GeneratedPrompt> = yield* promptsOf(tune.value.id, order.knownPromptIds)
    const ready = prompts.filter((prompt) => prompt.done)
    const complete = prompts.length > 0 && ready.length === prompts.length
    const updates: ReadonlyArray<AstriaUpdate> = [
      { kind: "tune-trained", tune: tune.value },
      ...(ready.length > 0 ? [{ kind: "prompts-ready", prompts: ready, allPrompts: complete } as const] : [])
    ]
    return complete
      ? ({ _tag: "Complete", tune: tune.value, updates } as const)
      : ({ _tag: "Pending", tune: tune.value, updates } as const)
  })
