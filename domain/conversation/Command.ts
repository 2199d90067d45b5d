import { Data } from "effect"
import type { AttentionReason } from "../attention/AttentionReason.js"
import type { OrderId, PackId, WhatsAppMessageId } from "../ids.js"
import type { OutgoingMessage } from "../messages/OutgoingMessage.js"
import type { Quote } from "../pricing/Quote.js"
import type { TuneSource } from "./Conversation.js"

/** What the application does after a decision, in the order given. */
export type Command = Data.TaggedEnum<{
  /** Any message to the person, reactions included. */
  Send: { readonly message: OutgoingMessage }
  MarkReadAndTyping: { readonly messageId: WhatsAppMessageId }
  /** Record on the user that they agreed to their photos being kept and checked, and when. */
  RecordPhotoConsent: Record<never, never>
  /** Download, check and store the photo of this message; a `PhotoChecked` input follows. */
  ProcessPhoto: { readonly messageId: WhatsAppMessageId }
  /**
   * Store the order (its id came from the snapshot), awaiting payment, and request its checkout as
   * `RequestCheckout` does.
   */
  CreateOrder: {
    readonly orderId: OrderId
    readonly packId: PackId
    readonly packTitle: string
    readonly quote: Quote
  }
  /**
   * Have the order's checkout created (or its open one reused) outside this decision, and sent
   * with `paymentLinkMessage(language, packTitle, quote, url)`.
   */
  RequestCheckout: {
    readonly orderId: OrderId
    readonly packTitle: string
    readonly quote: Quote
  }
  /** Create the pack tune on Astria; the order id is the tune's title. */
  CreateTune: {
    readonly orderId: OrderId
    readonly packId: PackId
    readonly personClass: string
    readonly characteristics: Readonly<Record<string, string>>
    readonly source: TuneSource
  }
  LikePrompts: { readonly orderId: OrderId }
  StoreRating: { readonly orderId: OrderId; readonly stars: number }
  StoreFeedback: { readonly orderId: OrderId; readonly text: string }
  /** Open an attention item for support (about `orderId` when there is one) and tell support of it. */
  NotifySupport: { readonly reason: AttentionReason; readonly detail: string; readonly orderId?: OrderId }
  /** Delete the person's stored photos. */
  ResetPhotos: Record<never, never>
  /** Erase everything about the person. */
  EraseUser: Record<never, never>
}>
export const Command = Data.taggedEnum<Command>()
