import { Context, type Effect } from "effect"

/**
 * The payment side of the harness, as the driver uses it: whichever fake takes the payments (the
 * development checkout, or the fake Stripe behind the real Stripe adapter), a person pays a link
 * they were sent, and the fake's webhooks count as the bot's work when waiting for quiet.
 */
export class HarnessCheckout extends Context.Tag("whatsapp-astria-bot/harness/HarnessCheckout")<
  HarnessCheckout,
  {
    /** Opens the link and presses Pay; fails (with the page's reason) when the checkout takes no payment. */
    readonly pay: (url: string) => Effect.Effect<void, string>
    /** Webhooks the fake has sent so far. */
    readonly deliveries: Effect.Effect<number>
  }
>() {}
