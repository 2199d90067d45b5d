import { Context } from "effect"
import type { Effect } from "effect"
import type { OrderId } from "../../domain/ids.js"

export interface IssuedCallback {
  /** Where Astria reports the trained tune and the finished prompts; carries a fresh secret. */
  readonly url: string
  /** What is stored with the order; the secret itself is not kept. */
  readonly tokenHash: string
}

/** Makes the per-order callback URLs that Astria calls, and checks the secrets they carry. */
export class CallbackUrls extends Context.Tag("whatsapp-astria-bot/CallbackUrls")<
  CallbackUrls,
  {
    readonly issue: (orderId: OrderId) => Effect.Effect<IssuedCallback>
    /** Constant time; false for a wrong or malformed secret. */
    readonly verify: (presentedToken: string, storedHash: string) => boolean
  }
>() {}
