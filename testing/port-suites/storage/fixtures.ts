import { Option } from "effect"
import { OrderId, PackId, PhotoId, TuneId, UserId, WhatsAppMessageId } from "../../../domain/ids.js"
import { InboundMessageRecord } from "../../../application/ports/InboundMessages.js"
import type { Arrival } from "../../../application/ports/InboundMessages.js"
import { senderKey } from "../../../application/messaging/senderKey.js"
import { OrderRecord } from "../../../application/ports/Orders.js"
import { StoredPhoto } from "../../../application/ports/Photos.js"

/**
 * Builders of unique records: every contract suite shares one database across its tests (and
 * across test runs, on a real server), so no two tests may use the same ids.
 */
let counter = 0
const runTag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`

export const unique = (prefix: string): string => {
  counter += 1
  return `${prefix}-${runTag}-${counter}`
}

/** Numeric ids (Astria's packs and tunes) from a random base, distinct within a run. */
const intBase = 1_000_000 + Math.floor(Math.random() * 1_000_000_000)
const nextInt = (): number => {
  counter += 1
  return intBase + counter
}

export const uuid = (): string => globalThis.crypto.randomUUID()
export const userId = (): UserId => UserId.make(unique("user"))
export const orderId = (): OrderId => OrderId.make(uuid())
export const wamid = (): WhatsAppMessageId => WhatsAppMessageId.make(unique("wamid"))
export const packId = (): PackId => PackId.make(nextInt())
export const tuneId = (): TuneId => TuneId.make(nextInt())

/** A fixed instant and offsets from it, so nothing depends on the wall clock. */
export const t0 = new Date("2030-01-01T00:00:00.000Z")
export const at = (offsetMillis: number): Date => new Date(t0.getTime() + offsetMillis)
export const minutes = (n: number): number => n * 60_000

export const photo = (owner: UserId, overrides: Partial<ConstructorParameters<typeof StoredPhoto>[0]> = {}) =>
  new StoredPhoto({
    id: PhotoId.make(unique("photo")),
    userId: owner,
    sourceMessageId: unique("wamid"),
    bytes: new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02, 0xfe]),
    hash: unique("hash"),
    width: 1024,
    height: 768,
    createdAt: t0,
    ...overrides
  })

export const order = (owner: UserId, overrides: Partial<ConstructorParameters<typeof OrderRecord>[0]> = {}) =>
  new OrderRecord({
    id: orderId(),
    userId: owner,
    packId: packId(),
    tier: "standard",
    amountMinor: 2990,
    currency: "USD",
    imageCount: 40,
    className: "woman",
    characteristics: { eye_color: "brown" },
    reuseTuneId: Option.none(),
    status: "AwaitingPayment",
    paymentLink: Option.some("https://pay.example/checkout/abc"),
    checkoutReference: Option.some("cs_abc"),
    checkoutExpiresAt: Option.none(),
    tuneId: Option.none(),
    callbackTokenHash: Option.none(),
    eta: Option.none(),
    createdAt: t0,
    paidAt: Option.none(),
    deliveredAt: Option.none(),
    ...overrides
  })

/**
 * A text message from `sender` (a number, a BSUID or both) with the event that announces it, as
 * the webhook hands them to `InboundMessages.recordArrivals`.
 */
export const arrival = (
  sender: { readonly waId?: string; readonly bsuid?: string },
  receivedAt: Date = t0,
  id: WhatsAppMessageId = wamid()
): Arrival => {
  const identity = { waId: Option.fromNullable(sender.waId), bsuid: Option.fromNullable(sender.bsuid) }
  return {
    message: new InboundMessageRecord({
      id,
      sender: identity,
      kind: "Text",
      payload: { _tag: "Text", body: "שלום", nested: [1, { a: true }] },
      receivedAt
    }),
    event: {
      id: uuid(),
      eventType: "UserMessageReceivedEvent",
      key: Option.getOrElse(senderKey(identity), () => "nobody"),
      body: JSON.stringify({ message: id }),
      createdAt: receivedAt
    }
  }
}
