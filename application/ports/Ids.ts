import { Context, Effect, Layer } from "effect"

/** Where new ids come from; a port so that tests and simulations can make them predictable. */
export class Ids extends Context.Tag("whatsapp-astria-bot/Ids")<Ids, { readonly uuid: Effect.Effect<string> }>() {
  static readonly random = Layer.succeed(this, { uuid: Effect.sync(() => globalThis.crypto.randomUUID()) })
}
