import { Effect, Schema } from "effect"
import { AstriaCallbackFromJson } from "../../contracts/astria/index.js"
import type { AstriaUpdate } from "../../application/ports/Astria.js"
import type { OrderId } from "../../domain/ids.js"
import { toPrompt, toTune } from "./Mapping.js"

/** The path Astria calls back on (the README's "HTTP endpoints"). */
export const callbackPath = "/pack-tune-received"

/**
 * The callback URL of one order: our order id and its secret token in the query string, nothing
 * else (never a phone number). Keeps any path prefix of the public base URL.
 */
export const callbackUrl = (publicBaseUrl: string, orderId: OrderId, token: string): string => {
  const url = new URL(publicBaseUrl)
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${callbackPath}`
  url.search = new URLSearchParams({ order: orderId, token }).toString()
  url.hash = ""
  return url.toString()
}

/** A callback body we could not read; the endpoint answers 400 and changes nothing. */
export class AstriaCallbackInvalid extends Schema.TaggedError<AstriaCallbackInvalid>()("AstriaCallbackInvalid", {
  message: Schema.String
}) {}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Decodes the raw bytes of a callback into what it tells us: a tune that has trained
 * (`{"tune":...}`), or prompts with their images (`{"prompt":...}`, or the pack's
 * `prompts_callback` array).
 */
export const decodeCallback = (bytes: Uint8Array): Effect.Effect<AstriaUpdate, AstriaCallbackInvalid> =>
  Effect.try({
    try: () => utf8.decode(bytes),
    catch: () => new AstriaCallbackInvalid({ message: "callback body is not UTF-8" })
  }).pipe(
    Effect.flatMap(Schema.decode(AstriaCallbackFromJson)),
    Effect.mapError((error) =>
      error._tag === "AstriaCallbackInvalid" ? error : new AstriaCallbackInvalid({ message: error.message })
    ),
    Effect.map((body): AstriaUpdate => {
      if ("tune" in body) return { kind: "tune-trained", tune: toTune(body.tune) }
      if ("prompt" in body) return { kind: "prompts-ready", prompts: [toPrompt(body.prompt)] }
      // The pack's `prompts_callback` posts every prompt at once, when all are done.
      if ("prompts" in body) return { kind: "prompts-ready", prompts: body.prompts.map(toPrompt), allPrompts: true }
      return { kind: "prompts-ready", prompts: body.map(toPrompt), allPrompts: true }
    })
  )
