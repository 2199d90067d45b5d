import { Effect, Either, FiberSet, PubSub } from "effect"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import type { SendMessageBody } from "../../../contracts/whatsapp/Send.js"
import { detailsOf, json, refuse, refuseAs, titles } from "./errors.js"
import { wamid } from "./ids.js"
import type { Delivery, FakeUser } from "./model.js"
import type { Pacing } from "./pacing.js"
import type { GraphSettings } from "./settings.js"
import { normalizedWaId, now, type GraphState } from "./state.js"
import { judgeReadReceipt, judgeSend } from "./validation.js"
import type { Webhooks } from "./webhooks.js"

/** `POST /{phone-number-id}/messages`: read receipts, and sends checked as Meta checks them. */

/** The uploaded media id a send refers to, if any. */
const uploadedMediaIn = (body: SendMessageBody): string | undefined => {
  switch (body.type) {
    case "image":
      return body.image.id
    case "video":
      return body.video.id
    case "document":
      return body.document.id
    case "audio":
      return body.audio.id
    case "sticker":
      return body.sticker.id
    default:
      return undefined
  }
}

export const makeSending = (settings: GraphSettings, state: GraphState, pacing: Pacing, webhooks: Webhooks) =>
  Effect.gen(function* () {
    const fibers = yield* FiberSet.make<unknown, never>()
    const deliveries = yield* Effect.acquireRelease(PubSub.unbounded<Delivery>(), PubSub.shutdown)

    /**
     * Posts a send's statuses later, from a fiber of the fake's own. Interruptible: forked from
     * the request's handler it would inherit an uninterruptible region, and the fake could not
     * close while a status waits to be posted again (up to 10 minutes).
     */
    const later = (post: Effect.Effect<void>) => FiberSet.run(fibers, Effect.interruptible(post))

    const failedStatusLater = (id: string, user: FakeUser, code: number) =>
      Effect.sleep("20 millis").pipe(
        Effect.zipRight(now),
        Effect.flatMap((at) => {
          const title = titles[code] ?? "Error"
          const errors = [{ code, title, message: title, error_data: { details: detailsOf[code] ?? "" } }]
          return webhooks.postUntilAccepted(webhooks.statusEnvelope(user, id, [{ status: "failed", at, errors }], "together"))
        }),
        Effect.ignore
      )

    const statusesLater = (id: string, user: FakeUser, at: number) =>
      Effect.sleep("10 millis").pipe(
        Effect.zipRight(webhooks.postUntilAccepted(webhooks.statusEnvelope(user, id, [{ status: "sent", at }, { status: "delivered", at }], "together"))),
        Effect.ignore
      )

    const markRead = (payload: unknown) =>
      Either.match(judgeReadReceipt(payload), {
        onLeft: refuseAs,
        onRight: (body) => {
          state.reads.push({ messageId: body.message_id, typingIndicator: body.typing_indicator !== undefined })
          return json({ success: true })
        }
      })

    const send = (payload: unknown) =>
      Effect.gen(function* () {
        const at = yield* now
        const judged = judgeSend(payload)
        if (Either.isLeft(judged)) {
          const address = typeof payload === "object" && payload !== null && "to" in payload ? String(payload.to) : ""
          state.logAttempt({ at, address, code: judged.left.code })
          return refuseAs(judged.left)
        }
        const body = judged.right
        // Meta uses `to` when both are present, read as a number whatever its formatting.
        const address = body.to ?? body.recipient ?? ""
        const waId = body.to === undefined ? undefined : normalizedWaId(body.to)
        const user = yield* state.userOrCreate(waId !== undefined ? { waId } : { userId: address })
        const record = (code?: number) => state.logAttempt({ at, address, ...(code === undefined ? {} : { code }) })
        const refused = (code: number, httpStatus?: number, details?: string) => {
          record(code)
          return refuse(code, httpStatus, details)
        }

        const fault = state.takeFault(user)
        if (fault !== undefined && fault.mode !== "status") return refused(fault.code, fault.httpStatus)
        if (pacing.throughputExceeded(at)) return refused(GraphErrorCode.Throughput)
        if (pacing.pairExceeded(user.userId, at)) return refused(GraphErrorCode.PairRateLimit)
        const windowMode = settings.customerServiceWindow
        const windowClosed = body.type !== "template" && windowMode !== "off" && !pacing.windowOpen(user.userId, at)
        if (windowClosed && windowMode === "sync") return refused(GraphErrorCode.OutsideCustomerServiceWindow)
        const mediaId = uploadedMediaIn(body)
        // Meta's answer for an id it does not hold: never uploaded, another number's, or past its 30 days.
        if (mediaId !== undefined && state.liveMedia(mediaId, at) === undefined) {
          record(GraphErrorCode.InvalidParameter)
          return refuseAs({
            code: GraphErrorCode.InvalidParameter,
            message: `Param ${body.type}['id'] is not a valid whatsapp business account media attachment ID`
          })
        }
        record()
        const id = wamid()
        const laterCode = fault?.mode === "status" ? fault.code : windowClosed ? GraphErrorCode.OutsideCustomerServiceWindow : undefined
        if (laterCode === undefined) {
          state.deliver(user.userId, { id, body, at })
          yield* PubSub.publish(deliveries, { user, message: { id, body, at } })
          if (settings.autoStatuses && state.webhookUrl !== undefined) yield* later(statusesLater(id, user, at))
        } else {
          yield* later(failedStatusLater(id, user, laterCode))
        }
        return json({
          messaging_product: "whatsapp",
          contacts: [waId !== undefined ? { input: address, wa_id: waId, user_id: user.userId } : { input: address, user_id: user.userId }],
          messages: [{ id, ...(body.type === "template" ? { message_status: "accepted" } : {}) }]
        })
      })

    const handleMessages = (payload: unknown) =>
      typeof payload === "object" && payload !== null && "status" in payload ? Effect.sync(() => markRead(payload)) : send(payload)

    return { handleMessages, deliveries }
  })

export type Sending = Effect.Effect.Success<ReturnType<typeof makeSending>>
