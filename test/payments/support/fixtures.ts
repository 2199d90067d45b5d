import { Option } from "effect"
import { OrderRecord } from "../../../application/ports/Orders.js"
import type { OrderStatus } from "../../../application/ports/Orders.js"
import { UserRecord } from "../../../application/ports/Users.js"
import { OrderId, PackId, UserId } from "../../../domain/ids.js"
import { CurrencyCode, MinorUnits } from "../../../domain/pricing/Money.js"
import type { PricingSettings } from "../../../domain/pricing/Tier.js"
import type { StoreState } from "./StorageDouble.js"

export const secret = "whsec_test_secret"

export const pricing: PricingSettings = {
  currency: CurrencyCode.make("USD"),
  tiers: {
    Lite: { imageCount: 20, price: MinorUnits.make(990) },
    Standard: { imageCount: 40, price: MinorUnits.make(1290) },
    Premium: { imageCount: 80, price: MinorUnits.make(2490) }
  },
  returningDiscountPercent: 10
}

let counter = 0
/** Unique per call, so tests sharing a store never collide. */
export const unique = (prefix: string): string => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 8)}`

export const seedUser = (state: StoreState, language?: "en" | "he"): UserId => {
  const id = UserId.make(unique("user"))
  state.users.set(
    id,
    new UserRecord({ id, waId: Option.some("972500000001"), bsuid: Option.some(`IL.${id}`), profileName: Option.none(), createdAt: new Date(0) })
  )
  if (language !== undefined) state.conversations.set(id, { stage: "PicturesLoaded", language, orders: [] })
  return id
}

export const seedOrder = (
  state: StoreState,
  fields: {
    readonly userId: UserId
    readonly amountMinor?: number
    readonly currency?: string
    readonly tier?: string
    readonly status?: OrderStatus
    readonly createdAt?: Date
    readonly paidAt?: Date
  }
): OrderRecord => {
  const order = new OrderRecord({
    id: OrderId.make(unique("order")),
    userId: fields.userId,
    packId: PackId.make(260),
    tier: fields.tier ?? "Standard",
    amountMinor: fields.amountMinor ?? 1290,
    currency: fields.currency ?? "USD",
    imageCount: 40,
    className: "woman",
    characteristics: {},
    reuseTuneId: Option.none(),
    status: fields.status ?? "awaiting_payment",
    paymentLink: "https://pay.example/checkout",
    tuneId: Option.none(),
    callbackTokenHash: Option.none(),
    eta: Option.none(),
    createdAt: fields.createdAt ?? new Date(0),
    paidAt: Option.fromNullable(fields.paidAt),
    deliveredAt: Option.none()
  })
  state.orders.set(order.id, order)
  return order
}
