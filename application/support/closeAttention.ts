import { Clock, Effect, Option } from "effect"
import { AttentionItems } from "../ports/AttentionItems.js"
import { AttentionItemClosed, AttentionItemNotFound } from "./SupportErrors.js"

/** The item as stored, or why there is none. */
export const requireAttentionItem = (number: number) =>
  Effect.flatMap(AttentionItems, (items) => items.get(number)).pipe(
    Effect.flatMap(
      Option.match({ onNone: () => Effect.fail(new AttentionItemNotFound({ number })), onSome: Effect.succeed })
    )
  )

/** Closes an open item with how it was resolved; an item closed already keeps its resolution. */
export const closeAttention = (number: number, resolution: string) =>
  Effect.gen(function* () {
    yield* requireAttentionItem(number)
    const now = new Date(yield* Clock.currentTimeMillis)
    const closed = yield* Effect.flatMap(AttentionItems, (items) => items.close(number, now, resolution))
    if (!closed) return yield* new AttentionItemClosed({ number })
    yield* Effect.logInfo("Attention item closed").pipe(Effect.annotateLogs({ attention: number }))
    return now
  })
