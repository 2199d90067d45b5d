import { Schema } from "effect"
import { Prompt } from "./Prompt.js"
import { Tune } from "./Tune.js"

/** Posted to a tune's `callback` when it has finished training. */
export const TuneCallback = Schema.Struct({ tune: Tune })

/** Posted to a prompt's callback when its images are ready. */
export const PromptCallback = Schema.Struct({ prompt: Prompt })

/** A pack's `prompts_callback`: posted once, with every prompt, when all are done. */
export const PromptsCallback = Schema.Array(Prompt)

/**
 * The same, wrapped in a root key: not documented, accepted so that a change of wrapping on
 * Astria's side does not lose a delivery.
 */
export const WrappedPromptsCallback = Schema.Struct({ prompts: Schema.Array(Prompt) })

/** Any body Astria may post to our callback URL. */
export const AstriaCallback = Schema.Union(TuneCallback, PromptCallback, PromptsCallback, WrappedPromptsCallback)
export type AstriaCallback = typeof AstriaCallback.Type
export type AstriaCallbackEncoded = typeof AstriaCallback.Encoded

export const AstriaCallbackFromJson = Schema.parseJson(AstriaCallback)
