import { Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../../adapters/memory/InMemoryStorage.js"
import { OutboundWakeup, OutboxWakeup } from "../../../application/events/Wakeup.js"
import { Ids } from "../../../application/ports/Ids.js"
import { Users } from "../../../application/ports/Users.js"
import { SupportSettings } from "../../../application/settings/SupportSettings.js"
import { newConversation, type Conversation } from "../../../domain/conversation/Conversation.js"
import { PackId, UserId, type OrderId } from "../../../domain/ids.js"
import type { Quote } from "../../../domain/pricing/Quote.js"

/** In-memory storage and wake-ups for running a decision's commands, with the given payment provider. */
export const checkoutServices = <ROut, E>(provider: Layer.Layer<ROut, E>) =>
  Layer.mergeAll(
    InMemoryStorage,
    Ids.random,
    OutboxWakeup.layer,
    OutboundWakeup.layer,
    provider,
    Layer.succeed(SupportSettings, { whatsAppNumber: Option.none() })
  )

/** A conversation past the terms with one Corporate order awaiting payment. */
export const conversationAwaitingPayment = (orderId: OrderId, quoted: Quote): Conversation => ({
  ...newConversation("en"),
  stage: "PicturesLoaded",
  termsAgreed: true,
  orders: [
    {
      id: orderId,
      packId: PackId.make(260),
      packTitle: "Corporate",
      quote: quoted,
      personClass: "woman",
      characteristics: {},
      source: { _tag: "Photos" },
      status: "AwaitingPayment"
    }
  ]
})

/** The person the order belongs to, stored. */
export const seedUser = (waId: string, userId: string) =>
  Effect.flatMap(Users, (users) =>
    users.resolve({ waId: Option.some(waId), bsuid: Option.none(), profileName: Option.none() }, UserId.make(userId), new Date(0))
  ).pipe(Effect.map(({ user }) => user))
