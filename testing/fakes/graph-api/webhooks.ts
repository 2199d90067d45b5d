import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Schedule } from "effect"
import type { StatusValue, WebhookEnvelopeEncoded } from "../../../contracts/whatsapp/Webhook.js"
import { wamid } from "./ids.js"
import { metaJson, metaSignature } from "./metaJson.js"
import type { BatchLayout, FakeUser, InboundDraft, InboundMessageEncoded, PostOptions, UserRef } from "./model.js"
import { WebhookPostError } from "./model.js"
import type { GraphSettings } from "./settings.js"
import { now, type GraphState } from "./state.js"

/** Webhooks as Meta posts them: envelopes of messages and statuses, signed over Meta's escaping. */

export interface StatusItem {
  readonly status: StatusValue
  readonly at: number
  readonly errors?: ReadonlyArray<{ code: number; title: string; message: string; error_data: { details: string } }>
}

type Items = ReadonlyArray<{ readonly who: UserRef; readonly message: InboundDraft }>

export const makeWebhooks = (settings: GraphSettings, state: GraphState) =>
  Effect.gen(function* () {
    const client = yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)
    const metadata = { display_phone_number: settings.displayPhoneNumber, phone_number_id: settings.phoneNumberId }

    const postRaw = (body: string, options?: PostOptions) =>
      Effect.gen(function* () {
        const url = state.webhookUrl
        if (url === undefined) return yield* Effect.fail(new WebhookPostError({ reason: "no webhook target set" }))
        const signature =
          options?.signature === "missing"
            ? {}
            : { "x-hub-signature-256": metaSignature(options?.signature === "invalid" ? "not-the-secret" : settings.appSecret, body) }
        const request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.setHeaders({ "user-agent": "facebookexternalua", ...signature }),
          HttpClientRequest.bodyText(body, "application/json")
        )
        const statuses: Array<number> = []
        for (let i = 0; i < (options?.times ?? 1); i++) {
          const response = yield* client.execute(request).pipe(
            // Meta retries a delivery that did not reach the server; a keep-alive connection the
            // server closed just as this one was sent on it is such a delivery, not the bot's answer.
            Effect.retry({
              times: 2,
              schedule: Schedule.spaced("50 millis"),
              while: (error) => error._tag === "RequestError" && error.reason === "Transport"
            }),
            Effect.mapError((error) => new WebhookPostError({ reason: error.message }))
          )
          statuses.push(response.status)
        }
        return statuses
      })

    const postEnvelope = (envelope: WebhookEnvelopeEncoded, options?: PostOptions) => postRaw(metaJson(envelope), options)

    /**
     * Posts as Meta posts what it reports on its own (statuses): until the server answers 200,
     * with decreasing frequency (Meta goes on for up to 7 days; the fake, for 10 minutes), so a
     * status is not lost to a server that was down, restarting or busy.
     */
    const postUntilAccepted = (envelope: WebhookEnvelopeEncoded) =>
      postEnvelope(envelope).pipe(
        Effect.filterOrFail(
          (statuses) => statuses.every((status) => status === 200),
          (statuses) => new WebhookPostError({ reason: `answered ${statuses.join(", ")}` })
        ),
        Effect.retry(Schedule.exponential("500 millis").pipe(Schedule.union(Schedule.spaced("30 seconds")), Schedule.upTo("10 minutes")))
      )

    const contactOf = (user: FakeUser) => ({
      profile: { name: user.name, ...(user.username === undefined ? {} : { username: user.username }) },
      ...(user.waId === undefined ? {} : { wa_id: user.waId }),
      user_id: user.userId
    })

    /**
     * The statuses of one sent message, in one change (`together`) or one change each. The
     * message's `biz_opaque_callback_data` comes back on its sent, delivered and read statuses.
     */
    const statusEnvelope = (user: FakeUser, id: string, statuses: ReadonlyArray<StatusItem>, layout: "separate" | "together"): WebhookEnvelopeEncoded => {
      const callbackData = state.sentMessage(id)?.body.biz_opaque_callback_data
      const value = (items: ReadonlyArray<StatusItem>) => ({
        messaging_product: "whatsapp" as const,
        metadata,
        statuses: items.map((item) => ({
          id,
          status: item.status,
          timestamp: String(Math.floor(item.at / 1000)),
          ...(user.waId === undefined ? {} : { recipient_id: user.waId }),
          recipient_user_id: user.userId,
          ...(callbackData === undefined || item.status === "failed" ? {} : { biz_opaque_callback_data: callbackData }),
          ...(item.errors === undefined ? {} : { errors: item.errors })
        }))
      })
      const changes = layout === "together" ? [{ field: "messages" as const, value: value(statuses) }] : statuses.map((item) => ({ field: "messages" as const, value: value([item]) }))
      return { object: "whatsapp_business_account", entry: [{ id: settings.wabaId, changes }] }
    }

    const envelopeOf = (items: Items, layout: BatchLayout) =>
      Effect.gen(function* () {
        const timestamp = String(Math.floor((yield* now) / 1000))
        const built = yield* Effect.forEach(items, ({ message, who }) =>
          Effect.map(state.userOrCreate(who), (user) => {
            const id = wamid()
            const full: InboundMessageEncoded = { ...(user.waId === undefined ? {} : { from: user.waId }), from_user_id: user.userId, id, timestamp, ...message }
            return { user, message: full, id }
          })
        )
        const value = (group: typeof built) => ({
          messaging_product: "whatsapp" as const,
          metadata,
          contacts: group.map(({ user }) => contactOf(user)).filter((contact, index, all) => all.findIndex((other) => other.user_id === contact.user_id) === index),
          messages: group.map(({ message }) => message)
        })
        const id = settings.wabaId
        const entry: WebhookEnvelopeEncoded["entry"] =
          layout === "messages"
            ? [{ id, changes: [{ field: "messages", value: value(built) }] }]
            : layout === "changes"
              ? [{ id, changes: built.map((item) => ({ field: "messages", value: value([item]) })) }]
              : built.map((item) => ({ id, changes: [{ field: "messages", value: value([item]) }] }))
        const envelope: WebhookEnvelopeEncoded = { object: "whatsapp_business_account", entry }
        return { envelope, wamids: built.map((item) => item.id) }
      })

    /** People write: their windows open and the envelope is posted. */
    const userSendsBatch = (items: Items, layout: BatchLayout, options?: PostOptions) =>
      Effect.gen(function* () {
        const { envelope, wamids } = yield* envelopeOf(items, layout)
        const at = yield* now
        for (const { who } of items) state.lastInbound.set((yield* state.userOrCreate(who)).userId, at)
        const statuses = yield* postEnvelope(envelope, options)
        return { wamids, statuses }
      })

    const emitStatuses = (id: string, statuses: ReadonlyArray<StatusValue>, options?: PostOptions & { readonly layout?: "separate" | "together" }) =>
      Effect.gen(function* () {
        const at = yield* now
        const user = state.recipientOf(id)
        if (user === undefined) return yield* Effect.fail(new WebhookPostError({ reason: `no message ${id} was sent` }))
        const items = statuses.map((status, index) => ({ status, at: at + index * 1000 }))
        if (options?.layout === "together") return yield* postEnvelope(statusEnvelope(user, id, items, "together"), options)
        const results: Array<number> = []
        for (const item of items) results.push(...(yield* postEnvelope(statusEnvelope(user, id, [item], "together"), options)))
        return results
      })

    const changeNumber = (who: UserRef, newWaId: string) =>
      Effect.gen(function* () {
        const user = yield* state.userOrCreate(who)
        const body = `${user.name} changed from ${user.waId ?? ""} to ${newWaId}`
        const { envelope } = yield* envelopeOf([{ who: user, message: { type: "system", system: { body, new_wa_id: newWaId, type: "user_changed_number", user_id: user.userId } } }], "messages")
        const stored = state.findUser(user.userId)
        if (stored !== undefined) stored.waId = newWaId
        return yield* postEnvelope(envelope)
      })

    return { postRaw, postEnvelope, postUntilAccepted, statusEnvelope, envelopeOf, userSendsBatch, emitStatuses, changeNumber }
  })

export type Webhooks = Effect.Effect.Success<ReturnType<typeof makeWebhooks>>
