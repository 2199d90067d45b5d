import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { InboundMessages } from "../../../../application/ports/InboundMessages.js"
import { Orders } from "../../../../application/ports/Orders.js"
import { Photos } from "../../../../application/ports/Photos.js"
import { Tunes } from "../../../../application/ports/Tunes.js"
import { formatMoney, formatOptionalTime, formatTime } from "../../output/format.js"
import { maskedBsuid, maskedPhone } from "../../output/mask.js"
import { printJson, renderDetails, renderTable } from "../../output/table.js"
import { json, userId } from "../options.js"
import { conversationOf } from "./conversationOf.js"
import { requireUser } from "./requireUser.js"

export const usersShow = Command.make("show", { userId, json }, (options) =>
  Effect.gen(function* () {
    const user = yield* requireUser(options.userId)
    const conversation = yield* conversationOf(user.id)
    const photos = yield* Effect.flatMap(Photos, (port) => port.countForUser(user.id))
    const messages = yield* Effect.flatMap(InboundMessages, (port) => port.countForUser(user.id))
    const orders = yield* Effect.flatMap(Orders, (port) => port.listForUser(user.id))
    const tunes = yield* Effect.flatMap(Tunes, (port) => port.listForUser(user.id))

    if (options.json) {
      return yield* printJson({
        id: user.id,
        phone: maskedPhone(user.waId),
        bsuid: maskedBsuid(user.bsuid),
        profileName: Option.getOrNull(user.profileName),
        createdAt: user.createdAt.toISOString(),
        stage: conversation.stage,
        language: conversation.language,
        acceptedPhotos: conversation.acceptedPhotos,
        storedPhotos: photos,
        inboundMessages: messages,
        orders: orders.map((order) => ({
          id: order.id,
          status: order.status,
          tier: order.tier,
          packId: order.packId,
          amountMinor: order.amountMinor,
          currency: order.currency,
          createdAt: order.createdAt.toISOString()
        })),
        tunes: tunes.map((tune) => ({
          id: tune.id,
          orderId: tune.orderId,
          className: tune.className,
          expiresAt: Option.getOrNull(Option.map(tune.expiresAt, (at) => at.toISOString())),
          expired: tune.expired
        }))
      })
    }
    yield* Console.log(
      renderDetails([
        ["ID", user.id],
        ["Phone", maskedPhone(user.waId)],
        ["BSUID", maskedBsuid(user.bsuid)],
        ["Name", Option.getOrElse(user.profileName, () => "-")],
        ["Created", formatTime(user.createdAt)],
        ["Stage", conversation.stage],
        ["Language", conversation.language],
        ["Accepted photos", String(conversation.acceptedPhotos)],
        ["Stored photos", String(photos)],
        ["Messages kept", String(messages)]
      ])
    )
    yield* Console.log(
      `\nOrders\n${renderTable(
        orders,
        [
          { header: "ID", value: (order) => order.id },
          { header: "STATUS", value: (order) => order.status },
          { header: "TIER", value: (order) => order.tier },
          { header: "PACK", value: (order) => String(order.packId) },
          { header: "AMOUNT", value: (order) => formatMoney(order.amountMinor, order.currency) },
          { header: "CREATED", value: (order) => formatTime(order.createdAt) }
        ],
        "none"
      )}`
    )
    yield* Console.log(
      `\nModels\n${renderTable(
        tunes,
        [
          { header: "TUNE", value: (tune) => String(tune.id) },
          { header: "CLASS", value: (tune) => tune.className },
          { header: "ORDER", value: (tune) => tune.orderId },
          { header: "EXPIRES", value: (tune) => (tune.expired ? "expired" : formatOptionalTime(tune.expiresAt)) }
        ],
        "none"
      )}`
    )
  })
).pipe(Command.withDescription("Show one user: masked identities, conversation stage, photos, orders and models"))
