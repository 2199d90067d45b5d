import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer, Redacted, Schedule, Schema, Stream } from "effect"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { MediaSource } from "../../application/ports/MediaSource.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { GraphErrorBody } from "../../contracts/whatsapp/GraphError.js"
import { readWebhook } from "../../contracts/whatsapp/readWebhook.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { makeFakeGraphApi, type FakeGraphApi, type FakeGraphApiOptions } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { makeWebhookReceiver } from "./webhookReceiver.js"

/** The fake Graph API where Meta's documents and examples say how it answers (issue 23). */

const setup = (fakeOptions: FakeGraphApiOptions = {}, overrides: Partial<WhatsAppCloudSettings> = {}) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeGraphApi(fakeOptions)
    const context = yield* Layer.build(WhatsAppCloud.layer(settingsForFake(fake, overrides)).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(InMemoryRateBudgets)))
    return { fake, messenger: Context.get(context, Messenger), media: Context.get(context, MediaSource) }
  })

interface Answer {
  readonly status: number
  readonly text: string
}

/** A raw call, for what the adapter never sends; `token: null` sends no Authorization header. */
const call = (
  fake: FakeGraphApi,
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { readonly json?: unknown; readonly body?: HttpBody.HttpBody; readonly token?: string | null } = {}
): Effect.Effect<Answer> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const base = HttpClientRequest.make(method)(`${fake.baseUrl}${path}`)
    const token = options.token === undefined ? fake.accessToken : options.token
    const authorized = token === null ? base : HttpClientRequest.bearerToken(base, token)
    const request =
      options.json !== undefined
        ? HttpClientRequest.bodyUnsafeJson(authorized, options.json)
        : options.body !== undefined
          ? HttpClientRequest.setBody(authorized, options.body)
          : authorized
    const response = yield* client.execute(request)
    return { status: response.status, text: yield* response.text }
  }).pipe(Effect.provide(FetchHttpClient.layer), Effect.orDie)

const graphErrorOf = (answer: Answer) => Schema.decodeUnknownSync(Schema.parseJson(GraphErrorBody))(answer.text).error

const send = (fake: FakeGraphApi, body: unknown) => call(fake, "POST", `/${fake.phoneNumberId}/messages`, { json: body })

const text = (body: string) => OutgoingMessage.Text({ body })

describe("the fake Graph API, as Meta documents it", () => {
  it.scopedLive("an upload with a JSON body (not multipart) gets Meta's error, not a 500", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi()
      // Meta's own "Upload Image JSON" example, sent as JSON.
      const answer = yield* call(fake, "POST", `/${fake.phoneNumberId}/media`, {
        json: { file: "@/local/path/file.jpg;type=image/jpeg", messaging_product: "whatsapp" }
      })
      expect(answer.status).toBe(400)
      expect(graphErrorOf(answer)).toMatchObject({ code: 100, type: "OAuthException", message: "(#100) The parameter file is required." })
      for (const contentType of ["multipart/form-data", "multipart/form-data; boundary=x"]) {
        const broken = yield* call(fake, "POST", `/${fake.phoneNumberId}/media`, { body: HttpBody.text("--y\r\nnot a part", contentType) })
        expect(broken.status, contentType).toBe(400)
        expect(graphErrorOf(broken).code, contentType).toBe(100)
      }
    }))

  it.scopedLive("DELETE /{media-id} answers success and the media is gone; an unknown or foreign id gets Meta's error", () =>
    Effect.gen(function* () {
      const { fake, media, messenger } = yield* setup()
      const id = yield* messenger.uploadMedia(new Uint8Array([1, 2, 3]), "image/jpeg")
      const foreign = yield* call(fake, "DELETE", `/${id}?phone_number_id=999999999999999`)
      expect(graphErrorOf(foreign)).toMatchObject({ code: 100, error_subcode: 33 })
      expect((yield* media.download(id)).bytes).toEqual(new Uint8Array([1, 2, 3]))

      const deleted = yield* call(fake, "DELETE", `/${id}?phone_number_id=${fake.phoneNumberId}`)
      expect(deleted.status).toBe(200)
      expect(JSON.parse(deleted.text)).toEqual({ success: true })
      expect((yield* Effect.flip(media.download(id)))._tag).toBe("MediaNotFound")

      const again = yield* call(fake, "DELETE", `/${id}`)
      expect(again.status).toBe(400)
      expect(graphErrorOf(again)).toMatchObject({ code: 100, error_subcode: 33, type: "OAuthException" })
      expect(graphErrorOf(again).message).toContain(`Unsupported delete request. Object with ID '${id}' does not exist`)
    }))

  it.scopedLive("`to` with a leading + or Meta's formatting is the same person", () =>
    Effect.gen(function* () {
      // The 24 h window is the person's: a send to another person would be refused (131047).
      const { fake, messenger } = yield* setup({ customerServiceWindow: "sync" })
      yield* fake.openWindow("16505551234")
      yield* messenger.send({ waId: "+16505551234" }, text("with a plus"))
      yield* messenger.send({ waId: "+1 (650) 555-1234" }, text("as written by hand"))
      expect((yield* fake.received("16505551234")).map((item) => item.body.type === "text" && item.body.text.body)).toEqual([
        "with a plus",
        "as written by hand"
      ])
      const answer = yield* send(fake, { messaging_product: "whatsapp", to: "+1-650-555-1234", type: "text", text: { body: "hi" } })
      expect(JSON.parse(answer.text)).toMatchObject({ contacts: [{ input: "+1-650-555-1234", wa_id: "16505551234" }] })
      yield* fake.fail({ code: 131026, user: "16505551234" })
      expect((yield* Effect.flip(messenger.send({ waId: "+16505551234" }, text("undeliverable"))))._tag).toBe("Undeliverable")
    }))

  it.scopedLive("a message's statuses bring back the callback data it was sent with, and are posted until the server answers 200", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ autoStatuses: true, customerServiceWindow: "off" })
      const receiver = yield* makeWebhookReceiver(fake.appSecret, 2)
      yield* fake.setWebhookTarget(receiver.url)
      const wamid = yield* messenger.send({ waId: "16505551234" }, text("with a claim"), { callbackData: "claim/1" })
      // Refused twice (503), then taken: Meta tries again with decreasing frequency.
      const accepted = yield* Effect.sync(() => receiver.received.slice(2)).pipe(
        Effect.filterOrFail((taken) => taken.length > 0, () => "not yet"),
        Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("10 seconds")))
      )
      expect(receiver.received.slice(0, 2).map((one) => one.raw.toString())).toEqual([accepted[0]!.raw.toString(), accepted[0]!.raw.toString()])
      // As the bot reads them: each status with the callback data.
      const statuses = Either.getOrThrow(readWebhook(accepted[0]!.raw.toString())).events.flatMap((event) =>
        event._tag === "DeliveryStatus" ? [[event.messageId, event.status, event.callbackData]] : []
      )
      expect(statuses).toEqual([
        [wamid, "sent", "claim/1"],
        [wamid, "delivered", "claim/1"]
      ])
      // Meta takes at most 512 characters of it.
      const tooLong = yield* send(fake, { messaging_product: "whatsapp", to: "16505551234", type: "text", text: { body: "hi" }, biz_opaque_callback_data: "x".repeat(513) })
      expect(graphErrorOf(tooLong).code).toBe(100)
    }))

  it.live("closes at once while a status waits to be posted again", () =>
    Effect.gen(function* () {
      const receiver = yield* makeWebhookReceiver("unused", Number.POSITIVE_INFINITY)
      yield* Effect.gen(function* () {
        const { fake, messenger } = yield* setup({ autoStatuses: true, customerServiceWindow: "off" })
        yield* fake.setWebhookTarget(receiver.url)
        yield* messenger.send({ waId: "16505551234" }, text("refused statuses"))
        yield* Effect.sync(() => receiver.received.length).pipe(
          Effect.filterOrFail((posted) => posted > 0, () => "not yet"),
          Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds")))
        )
      }).pipe(
        Effect.scoped,
        Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("the fake did not close while a status waited to be posted again") })
      )
      expect(receiver.received.length).toBeGreaterThan(0)
    }).pipe(Effect.scoped))

  it.scopedLive("an invalid send gets a short sentence, and distinct faults distinct codes", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
      const base = { messaging_product: "whatsapp", recipient_type: "individual", to: "16505551234" }
      const button = (id: string, title: string) => ({ type: "reply", reply: { id, title } })
      const buttons = (list: ReadonlyArray<unknown>) => ({ ...base, type: "interactive", interactive: { type: "button", body: { text: "Pick" }, action: { buttons: list } } })
      const cases: ReadonlyArray<readonly [string, Effect.Effect<Answer>, number, string]> = [
        ["not JSON", call(fake, "POST", `/${fake.phoneNumberId}/messages`, { body: HttpBody.text("{", "application/json") }), 100, "Invalid JSON in request body"],
        ["no messaging_product", send(fake, { to: "16505551234", type: "text", text: { body: "hi" } }), 100, "The parameter messaging_product is required."],
        ["no recipient", send(fake, { messaging_product: "whatsapp", type: "text", text: { body: "hi" } }), 131008, "The parameter to is required."],
        ["a text without its text", send(fake, { ...base, type: "text" }), 131008, "The parameter text is required."],
        ["a text too long", send(fake, { ...base, type: "text", text: { body: "x".repeat(5000) } }), 100, "Param text['body'] must be at most 4096 characters long."],
        ["a number for a string", send(fake, { ...base, type: "text", text: { body: 42 } }), 100, "Param text['body'] must be a string."],
        ["four buttons", send(fake, buttons([1, 2, 3, 4].map((n) => button(`b${n}`, `B${n}`)))), 100, "Param interactive['action']['buttons'] must have at most 3 elements."],
        ["two buttons alike", send(fake, buttons([button("a", "Same"), button("b", "Same")])), 131009, "Param interactive['action']['buttons']: button titles must be unique."],
        ["an image by id and link", send(fake, { ...base, type: "image", image: { id: "1", link: "https://example.com/a.jpg" } }), 131009, "Param image: a media object needs exactly one of id and link."]
      ]
      for (const [fault, request, code, sentence] of cases) {
        const answer = yield* request
        expect(answer.status, fault).toBe(400)
        expect(answer.text.length, fault).toBeLessThan(400)
        const error = graphErrorOf(answer)
        const said = error.error_data?.details ?? error.message.replace(/^\(#\d+\) /, "")
        expect({ fault, code: error.code, said }).toEqual({ fault, code, said: sentence })
      }
      expect(yield* fake.received("16505551234")).toEqual([])
    }))

  it.scopedLive("token errors carry Meta's error_subcode; a missing token is 104; the adapter fails at once", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ customerServiceWindow: "off" }, { apiKey: Redacted.make("stale-token") })
      expect((yield* Effect.flip(messenger.send({ waId: "16505551234" }, text("hi"))))._tag).toBe("AuthenticationFailed")
      const wrong = yield* call(fake, "GET", "/123", { token: "stale-token" })
      expect(wrong.status).toBe(401)
      expect(graphErrorOf(wrong)).toMatchObject({ code: 190, error_subcode: 463, type: "OAuthException", message: "Invalid OAuth access token" })
      const missing = yield* call(fake, "GET", "/123", { token: null })
      expect(graphErrorOf(missing)).toMatchObject({ code: 104, type: "OAuthException", message: "An access token is required to request this resource" })
      yield* fake.fail({ code: 190 })
      const injected = yield* send(fake, { messaging_product: "whatsapp", to: "16505551234", type: "text", text: { body: "hi" } })
      expect(graphErrorOf(injected)).toMatchObject({ code: 190, error_subcode: 463 })
    }))

  it.scopedLive("the adapter's answer to 131008, 131009 and 131051: rejected at once, not retried", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ customerServiceWindow: "off" })
      for (const code of [131008, 131009, 131051]) {
        yield* fake.fail({ code, times: 3 })
        expect(yield* Effect.flip(messenger.send({ waId: "16505551234" }, text("hi")))).toMatchObject({ _tag: "MessageRejected", code })
        yield* fake.clearFaults
      }
      expect((yield* fake.attempts).map((attempt) => attempt.code)).toEqual([131008, 131009, 131051])
    }))

  it.scopedLive("documented message types the bot never sends are refused as unsupported, without a schema dump", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
      const base = { messaging_product: "whatsapp", recipient_type: "individual", to: "16505551234" }
      const interactive = (type: string, action: unknown) => ({ ...base, type: "interactive", interactive: { type, body: { text: "Look" }, action } })
      const template = (parameter: unknown) => ({
        ...base,
        type: "template",
        template: { name: "shipping", language: { code: "en_US" }, components: [{ type: "body", parameters: [parameter] }] }
      })
      const bodies: ReadonlyArray<readonly [string, unknown]> = [
        ["contacts", { ...base, type: "contacts", contacts: [{ name: { formatted_name: "John Smith", first_name: "John" } }] }],
        ["location", { ...base, type: "location", location: { latitude: 37.76, longitude: -122.43, name: "META HQ" } }],
        ["a flow", interactive("flow", { name: "flow", parameters: { flow_message_version: "3", flow_id: "1", flow_cta: "Go" } })],
        ["a catalog message", interactive("catalog_message", { name: "catalog_message", parameters: { thumbnail_product_retailer_id: "2lc20305pt" } })],
        ["a product", interactive("product", { catalog_id: "367025965434465", product_retailer_id: "1" })],
        ["a product list", interactive("product_list", { catalog_id: "367025965434465", sections: [] })],
        ["a template with a currency", template({ type: "currency", currency: { fallback_value: "$100.99", code: "USD", amount_1000: 100990 } })],
        ["a template with a date", template({ type: "date_time", date_time: { fallback_value: "February 25, 1977" } })]
      ]
      for (const [kind, body] of bodies) {
        const answer = yield* send(fake, body)
        expect(answer.status, kind).toBe(400)
        expect(answer.text.length, kind).toBeLessThan(400)
        expect({ kind, error: graphErrorOf(answer) }).toMatchObject({
          kind,
          error: { code: 131051, message: "(#131051) Unsupported message type", error_data: { details: "Message type is currently not supported." } }
        })
      }
      expect(yield* fake.received("16505551234")).toEqual([])
    }))

  it.scopedLive("registered media: a declared file_size, and a large body streamed in full", () =>
    Effect.gen(function* () {
      const { fake, media } = yield* setup()
      const small = yield* fake.registerMedia({ mimeType: "image/png", bytes: new Uint8Array([5, 6, 7]) })
      expect((yield* media.download(small)).bytes).toEqual(new Uint8Array([5, 6, 7]))

      const size = 40 * 1024 * 1024
      const large = yield* fake.registerMedia({ mimeType: "video/mp4", size, declaredSize: 1000 })
      const lookup = JSON.parse((yield* call(fake, "GET", `/${large}`)).text)
      expect(lookup).toMatchObject({ id: large, mime_type: "video/mp4", file_size: "1000" })
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(HttpClientRequest.get(lookup.url).pipe(HttpClientRequest.bearerToken(fake.accessToken)))
      const received = yield* Stream.runFold(response.stream, 0, (total, chunk) => total + chunk.length)
      expect(received).toBe(size)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
