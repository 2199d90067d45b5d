import { Context } from "effect"
import type { Effect } from "effect"
import type { ExamplePhoto } from "../../domain/conversation/DecisionContext.js"

/**
 * The guideline's example photos where "Show me examples" serves them from, awaited where a
 * conversation is decided. An effect rather than the list: their upload runs beside the start
 * instead of ahead of it, so only a conversation waits for it, not a new instance's first answer
 * (bench/cold-start: the upload was about a sixth of the Functions handler's cold start CPU).
 */
export class ExamplePhotos extends Context.Tag("whatsapp-astria-bot/ExamplePhotos")<
  ExamplePhotos,
  Effect.Effect<ReadonlyArray<ExamplePhoto>>
>() {}
