import { join } from "node:path"
import type { HttpServerError } from "@effect/platform"
import { HttpApiBuilder, HttpIncomingMessage, HttpMiddleware, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Layer, Option, ParseResult, Schema } from "effect"
import { FakeGraph } from "../fakes/graph-api/layers.js"
import { whatsAppOverFake } from "../FakeParts.js"
import { ChatView, Person, PersonName, Phone } from "./ChatView.js"
import { clientScript } from "./client.js"
import { pageHtml, stylesheet } from "./page.js"
import { FileMimeType, makeSimulator, PhotoMimeType, type SendError, unsendableFile } from "./Simulator.js"

/** The largest file the page uploads (WhatsApp's document limit is larger; a selfie is not). */
const maxPhotoBytes = 16 * 1024 * 1024

const securityHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}

/** Only our own script and style; pictures may come from the fakes' loopback ports (Astria's files). */
const pageSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' http: https: data:",
  "media-src 'self' http: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ")

const asset = (body: string, contentType: string) =>
  HttpServerResponse.text(body, {
    contentType,
    headers: { ...securityHeaders, "content-security-policy": pageSecurityPolicy }
  })

const failure = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ error: message }, { status, headers: securityHeaders })

/** Bad input is the person's (400); a bot that does not acknowledge its webhook is a bad gateway (502). */
const answering = <R>(
  effect: Effect.Effect<HttpServerResponse.HttpServerResponse, SendError | ParseResult.ParseError | HttpServerError.RequestError, R>
) =>
  effect.pipe(
    Effect.catchTags({
      ParseError: (error) => Effect.succeed(failure(400, ParseResult.TreeFormatter.formatErrorSync(error))),
      RequestError: (error) => Effect.succeed(failure(400, `unreadable request: ${error.description ?? error.reason}`)),
      SimulatorInputError: (error) => Effect.succeed(failure(400, error.message)),
      WebhookPostError: (error) => Effect.succeed(failure(502, `the webhook did not reach the bot: ${error.reason}`)),
      BotRefusedWebhook: (error) => Effect.succeed(failure(502, error.message))
    })
  )

const ok = HttpServerResponse.empty({ status: 204, headers: securityHeaders })

const PhoneQuery = Schema.Struct({ phone: Phone })
const PhotoQuery = Schema.Struct({
  phone: Phone,
  filename: Schema.optional(Schema.String.pipe(Schema.maxLength(240), Schema.pattern(/^[^\p{Cc}/\\]+$/u)))
})
const FileQuery = Schema.Struct({
  ...PhotoQuery.fields,
  as: Schema.optional(Schema.Literal("sticker"))
})
const UploadHeaders = Schema.Struct({
  "content-type": Schema.optional(Schema.String),
  "content-length": Schema.optional(Schema.NumberFromString)
})
const isPhotoMime = Schema.is(PhotoMimeType)
const isFileMime = Schema.is(FileMimeType)
const NewPerson = Schema.Struct({ phone: Phone, name: PersonName })
const TextRequest = Schema.Struct({ phone: Phone, text: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096)) })
const ReplyRequest = Schema.Struct({
  phone: Phone,
  messageId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  choiceId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(256))
})
const MessageId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))
const LocationRequest = Schema.Struct({
  phone: Phone,
  latitude: Schema.Number.pipe(Schema.between(-90, 90)),
  longitude: Schema.Number.pipe(Schema.between(-180, 180)),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  address: Schema.optional(Schema.String.pipe(Schema.maxLength(400)))
})
const ContactRequest = Schema.Struct({ phone: Phone, name: PersonName, contactPhone: Phone })
/** An empty emoji removes the person's reaction. */
const ReactionRequest = Schema.Struct({ phone: Phone, messageId: MessageId, emoji: Schema.String.pipe(Schema.maxLength(16)) })
const EditRequest = Schema.Struct({ phone: Phone, messageId: MessageId, text: TextRequest.fields.text })
const DeleteRequest = Schema.Struct({ phone: Phone, messageId: MessageId })
const MediaParams = Schema.Struct({ mediaId: Schema.String.pipe(Schema.pattern(/^[0-9]{1,20}$/)) })

/** Pictures shown inline; anything else the fake holds is offered as a download, never rendered. */
const inlineMime = /^(image\/(jpeg|png|gif|webp|heic|heif)|video\/(mp4|3gpp))$/

const people = Schema.Array(Person)

/**
 * The web simulator at `/simulator`: a WhatsApp-like chat page and its backend under
 * `/simulator/api`, which reaches the bot only through the fake Graph API (signed webhooks in,
 * Graph sends out). Routes join the API's router, so this layer must be built before the API
 * server: provide it with the WhatsApp part (see `whatsAppOverFakeWithSimulator`). With
 * `dataDir`, its people and their messages outlive a restart.
 */
export const simulatorRoutes = (options: { readonly dataDir?: string } = {}): Layer.Layer<never, never, FakeGraph> => HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const graph = yield* FakeGraph
    const simulator = yield* makeSimulator(graph, options)

    yield* router.get("/simulator", Effect.succeed(asset(pageHtml, "text/html; charset=utf-8")))
    yield* router.get("/simulator/app.css", HttpMiddleware.withLoggerDisabled(Effect.succeed(asset(stylesheet, "text/css; charset=utf-8"))))
    yield* router.get("/simulator/app.js", HttpMiddleware.withLoggerDisabled(Effect.succeed(asset(clientScript, "text/javascript; charset=utf-8"))))

    yield* router.get(
      "/simulator/api/people",
      Effect.flatMap(simulator.people, (all) => HttpServerResponse.schemaJson(people)(all, { headers: securityHeaders })).pipe(Effect.orDie)
    )
    yield* router.post(
      "/simulator/api/people",
      answering(
        Effect.gen(function* () {
          const person = yield* HttpServerRequest.schemaBodyJson(NewPerson)
          const added = yield* simulator.addPerson(person)
          return yield* HttpServerResponse.schemaJson(Person)(added, { status: 201, headers: securityHeaders }).pipe(Effect.orDie)
        })
      )
    )
    // Polled by the page: kept out of the request log.
    yield* router.get(
      "/simulator/api/chat",
      HttpMiddleware.withLoggerDisabled(
        answering(
          Effect.gen(function* () {
            const { phone } = yield* HttpServerRequest.schemaSearchParams(PhoneQuery)
            const view = yield* simulator.chat(phone)
            return yield* HttpServerResponse.schemaJson(ChatView)(view, { headers: securityHeaders }).pipe(Effect.orDie)
          })
        )
      )
    )
    yield* router.post(
      "/simulator/api/text",
      answering(
        Effect.gen(function* () {
          const { phone, text } = yield* HttpServerRequest.schemaBodyJson(TextRequest)
          yield* simulator.sendText(phone, text)
          return ok
        })
      )
    )
    yield* router.post(
      "/simulator/api/reply",
      answering(
        Effect.gen(function* () {
          const { choiceId, messageId, phone } = yield* HttpServerRequest.schemaBodyJson(ReplyRequest)
          yield* simulator.reply(phone, messageId, choiceId)
          return ok
        })
      )
    )
    /** The file's bytes are the body, its type the Content-Type, as the page's fetch sends a File. */
    const upload = <A extends string>(accepts: (mimeType: string) => mimeType is A, send: (bytes: Uint8Array, mimeType: A) => Effect.Effect<void, SendError>) =>
      answering(
        Effect.gen(function* () {
          const headers = yield* HttpServerRequest.schemaHeaders(UploadHeaders)
          // Refused before reading, so the page gets an answer rather than a reset connection.
          if ((headers["content-length"] ?? 0) > maxPhotoBytes) return failure(413, "a file is at most 16 MB")
          const mimeType = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? ""
          if (!accepts(mimeType)) return failure(415, unsendableFile(mimeType))
          const request = yield* HttpServerRequest.HttpServerRequest
          const body = yield* request.arrayBuffer.pipe(HttpIncomingMessage.withMaxBodySize(Option.some(maxPhotoBytes)))
          if (body.byteLength === 0) return failure(400, "the file is empty")
          yield* send(new Uint8Array(body), mimeType)
          return ok
        })
      )
    yield* router.post(
      "/simulator/api/photo",
      Effect.flatMap(HttpServerRequest.schemaSearchParams(PhotoQuery), ({ filename, phone }) =>
        upload(isPhotoMime, (bytes, mimeType) => simulator.sendPhoto(phone, { bytes, mimeType, filename }))
      ).pipe(answering)
    )
    yield* router.post(
      "/simulator/api/file",
      Effect.flatMap(HttpServerRequest.schemaSearchParams(FileQuery), ({ as, filename, phone }) =>
        upload(isFileMime, (bytes, mimeType) => simulator.sendFile(phone, { bytes, mimeType, filename, asSticker: as === "sticker" }))
      ).pipe(answering)
    )
    yield* router.post(
      "/simulator/api/location",
      answering(
        Effect.gen(function* () {
          const { phone, ...place } = yield* HttpServerRequest.schemaBodyJson(LocationRequest)
          yield* simulator.sendLocation(phone, place)
          return ok
        })
      )
    )
    yield* router.post(
      "/simulator/api/contact",
      answering(
        Effect.gen(function* () {
          const { contactPhone, name, phone } = yield* HttpServerRequest.schemaBodyJson(ContactRequest)
          yield* simulator.sendContact(phone, { name, phone: contactPhone })
          return ok
        })
      )
    )
    yield* router.post(
      "/simulator/api/reaction",
      answering(
        Effect.gen(function* () {
          const { emoji, messageId, phone } = yield* HttpServerRequest.schemaBodyJson(ReactionRequest)
          yield* simulator.react(phone, messageId, emoji)
          return ok
        })
      )
    )
    yield* router.post(
      "/simulator/api/edit",
      answering(
        Effect.gen(function* () {
          const { messageId, phone, text } = yield* HttpServerRequest.schemaBodyJson(EditRequest)
          yield* simulator.edit(phone, messageId, text)
          return ok
        })
      )
    )
    yield* router.post(
      "/simulator/api/delete",
      answering(
        Effect.gen(function* () {
          const { messageId, phone } = yield* HttpServerRequest.schemaBodyJson(DeleteRequest)
          yield* simulator.remove(phone, messageId)
          return ok
        })
      )
    )
    yield* router.get(
      "/simulator/api/media/:mediaId",
      HttpMiddleware.withLoggerDisabled(
        answering(
          Effect.gen(function* () {
            const { mediaId } = yield* HttpRouter.schemaPathParams(MediaParams)
            const found = yield* graph.media(mediaId)
            if (Option.isNone(found)) return failure(404, "no such media")
            const { bytes, mimeType } = found.value
            const inline = inlineMime.test(mimeType)
            return HttpServerResponse.uint8Array(bytes, {
              contentType: inline ? mimeType : "application/octet-stream",
              headers: {
                ...securityHeaders,
                "cache-control": "private, max-age=3600",
                "content-security-policy": "default-src 'none'; sandbox",
                ...(inline ? {} : { "content-disposition": "attachment" })
              }
            })
          })
        )
      )
    )
  })
)

/** The simulator's routes, keeping nothing across restarts. */
export const SimulatorRoutes = simulatorRoutes()

/**
 * The real WhatsApp adapter over the fake Graph API, with the simulator's routes: the embedded
 * default's WhatsApp part. The routes are registered while the part is built, that is before
 * the API server reads its router. With `dataDir`, the fake Graph API (in `graph-api/`) and the
 * simulator (in `simulator/`) keep their state there across restarts.
 */
export const whatsAppOverFakeWithSimulator = (
  options: Parameters<typeof whatsAppOverFake>[0] & { readonly dataDir?: string } = {}
) => {
  const { dataDir, ...rest } = options
  if (dataDir === undefined) return SimulatorRoutes.pipe(Layer.provideMerge(whatsAppOverFake(rest)))
  return simulatorRoutes({ dataDir: join(dataDir, "simulator") }).pipe(
    Layer.provideMerge(whatsAppOverFake({ ...rest, graph: { ...rest.graph, dataDir: join(dataDir, "graph-api") } }))
  )
}
