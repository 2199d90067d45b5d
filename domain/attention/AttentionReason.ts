import { Schema } from "effect"

/**
 * Why a person on our side must look: the reason of every attention item, whether a customer asked
 * for help or an order cannot go on by itself. The application words the note to support.
 */
export const AttentionReason = Schema.Literal(
  "HelpRequested",
  "LowRatingFeedback",
  "PaymentMismatch",
  "Overpaid",
  "UnknownOrderPaid",
  "CancelledOrderPaid",
  "TrainingFailed",
  "MediaUndeliverable",
  /** Astria answered 402: every paid order waits until the account has credits again. */
  "AstriaOutOfCredits",
  /** Astria refused this order's request as invalid (400/422): it will not go through as it is. */
  "AstriaRefusedOrder",
  /** The saved model an order was to reuse is gone, and no photos are left to train from. */
  "SavedModelGone",
  /** The payment provider refused to create an order's checkout: the person has no link to pay. */
  "CheckoutFailed",
  /** A second charge for an order already paid. */
  "DoubleCharge",
  "PaymentRefunded",
  "PaymentDisputed",
  /** Meta refused our access token (190): nothing reaches anyone until it is renewed. */
  "WhatsAppTokenRejected",
  /** Events a consumer gave up on: each needs a look, then a replay. */
  "DeadLetters",
  /** The oldest reply still waiting to be sent is older than the alert threshold. */
  "OutboundBacklog"
)
export type AttentionReason = typeof AttentionReason.Type

/** Reasons that stop everyone, not one order: support hears them at once, once per outage. */
export const isUrgent = (reason: AttentionReason): boolean =>
  reason === "AstriaOutOfCredits" || reason === "WhatsAppTokenRejected" || reason === "OutboundBacklog"
