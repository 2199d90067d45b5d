import { createHash, createHmac, randomBytes } from "node:crypto"
import { createServer } from "node:http"
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import type { HttpServerError } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Scope } from "effect"
import { Clock, Duration, Effect, Either, FiberSet, Option, ParseResult, PubSub, Schema, Stream } from "effect"
import type { GraphErrorBody } from "../../../contracts/whatsapp/GraphError.js"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import type { SendMessageBody } from "../../../contracts/whatsapp/Send.js"
import { MarkReadBody, mediaSizeLimits, SendMessageBody as SendMessageBodySchema } from "../../../contracts/whatsapp/Send.js"
import type { StatusValue, WebhookEnvelopeEncoded } from "../../../contracts/whatsapp/Webhook.js"
import { metaJson, metaSignature } from "./metaJson.js"

/**
 * A fake of the WhatsApp Cloud (Graph) API on a loopback port, faithful where the bot's
 * correctness depends on it: Meta's send validation (error 100), response shapes and wamids,
 * throughput (130429), pair rate (131056) and the 24 h window (131047, at once or as a later
 * `failed` status), bearer tokens (190), media URLs that expire after 5 minutes, multipart
 * uploads, and webhooks signed over Meta's exact escaping. Time comes from effect's Clock, so a
 * test under TestClock moves the fake's time too.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

type InboundMessageEncoded = NonNullable<
  Extract<WebhookEnvelopeEncoded["entry"][number]["changes"][number], { readonly field: "messages" }>["value"]["messages"]
>[number]

/** What a person sends, without the fields the fake fills in (sender, id, timestamp). */
export type InboundDraft = DistributiveOmit<InboundMessageEncoded, "from" | "from_user_id" | "id" | "timestamp">

export interface FakeUser {
  /** Business-scoped user id; every user has one (generated when not given). */
  readonly userId: string
  /** Phone number; absent for people who hide theirs behind a username. */
  readonly waId?: string
  readonly name: string
  readonly username?: string
}

/** Who a control call is about: a phone number, a user id, or a user. */
export type UserRef = string | { readonly waId?: string; readonly userId?: string }

export interface ReceivedMessage {
  /** The wamid the fake answered. */
  readonly id: string
  readonly body: SendMessageBody
  /** Fake clock, ms. */
  readonly at: number
}

export interface SendAttempt {
  readonly at: number
  /** `to` or `recipient` as sent. */
  readonly address: string
  /** The Graph error code answered, or undefined when accepted. */
  readonly code?: number
}

export interface ReadReceipt {
  readonly messageId: string
  readonly typingIndicator: boolean
}

export interface MediaDownload {
  readonly mediaId: string
  readonly userAgent: string | undefined
  readonly status: number
}

export interface Fault {
  /** Graph error code to answer with. */
  readonly code: number
  /** How many matching sends get it (default 1). */
  readonly times?: number
  /** Only sends to this person (default: any). */
  readonly user?: UserRef
  /**
   * `sync`: refused in the HTTP answer (default). `status`: accepted with a wamid, then a
   * `failed` status webhook carrying the code, as Meta does for some errors.
   */
  readonly mode?: "sync" | "status"
  /** HTTP status of a synchronous refusal; Meta's varies for one code, so tests can vary it too. */
  readonly httpStatus?: number
}

export interface PostOptions {
  /** Deliver the same bytes this many times in all (Meta retries; duplicates are normal). */
  readonly times?: number
  readonly signature?: "valid" | "invalid" | "missing"
}

/** How a batch is laid out: several messages in one value, one change each, or one entry each. */
export type BatchLayout = "messages" | "changes" | "entries"

export interface FakeGraphApiOptions {
  readonly accessToken?: string
  readonly appSecret?: string
  readonly phoneNumberId?: string
  readonly displayPhoneNumber?: string
  readonly wabaId?: string
  readonly version?: string
  /** Where signed webhooks go; may be set later with `setWebhookTarget`. */
  readonly webhookUrl?: string
  /** Messages a second the number may send before 130429 (Meta's default: 80). */
  readonly throughputPerSecond?: number
  /** Pair rate: a burst, then one message per interval to the same person, else 131056. */
  readonly pairRate?: { readonly burst: number; readonly interval: Duration.DurationInput } | "off"
  /**
   * Refuse non-template messages to people who have not written in 24 h (131047), at once
   * (`sync`, default), as a later failed status (`status`), or not at all (`off`).
   */
  readonly customerServiceWindow?: "sync" | "status" | "off"
  readonly mediaUrlLifetime?: Duration.DurationInput
  /** After each accepted send, post its `sent` and `delivered` statuses, as a phone online would. */
  readonly autoStatuses?: boolean
}

/** One accepted message, as it reaches a person's phone. */
export interface Delivery {
  readonly user: FakeUser
  readonly message: ReceivedMessage
}

export interface FakeGraphApi {
  /** Graph API base with its version: the adapter's WHATSAPP_API_URL. */
  readonly baseUrl: string
  readonly origin: string
  readonly accessToken: string
  readonly appSecret: string
  readonly phoneNumberId: string

  readonly addUser: (user: { readonly waId?: string; readonly userId?: string; readonly name?: string; readonly username?: string }) => Effect.Effect<FakeUser>
  readonly user: (who: UserRef) => Effect.Effect<Option.Option<FakeUser>>
  /** Everything the person received, in order, whether addressed by phone or by user id. */
  readonly received: (who: UserRef) => Effect.Effect<ReadonlyArray<ReceivedMessage>>
  /** Accepted messages as they arrive, for a simulator showing people's phones live. */
  readonly deliveries: Stream.Stream<Delivery>
  /** Every send attempt, refused ones included, for pacing checks. */
  readonly attempts: Effect.Effect<ReadonlyArray<SendAttempt>>
  readonly readReceipts: Effect.Effect<ReadonlyArray<ReadReceipt>>
  readonly downloads: Effect.Effect<ReadonlyArray<MediaDownload>>

  /** Media as if a person had sent it (ids live 7 days); answers the media id. */
  readonly putMedia: (bytes: Uint8Array, mimeType: string) => Effect.Effect<string>
  /** Bytes of any media the fake holds (uploaded by the bot or put by a test). */
  readonly media: (mediaId: string) => Effect.Effect<Option.Option<{ readonly bytes: Uint8Array; readonly mimeType: string }>>

  readonly fail: (fault: Fault) => Effect.Effect<void>
  /** The next `times` calls of any kind answer this HTTP status without a Graph body. */
  readonly failHttp: (status: number, times?: number) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  /** The person wrote now, as far as the 24 h window goes (without a webhook). */
  readonly openWindow: (who: UserRef) => Effect.Effect<void>
  readonly closeWindow: (who: UserRef) => Effect.Effect<void>

  readonly setWebhookTarget: (url: string) => Effect.Effect<void>
  /** Posts an envelope, serialized and signed as Meta does; answers our server's statuses. */
  readonly postWebhook: (envelope: WebhookEnvelopeEncoded, options?: PostOptions) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** Posts exact bytes (e.g. a recorded real webhook), signed. */
  readonly postRaw: (body: string, options?: PostOptions) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** A person writes to the bot: opens their window and posts the message. */
  readonly userSends: (
    who: UserRef,
    message: InboundDraft,
    options?: PostOptions
  ) => Effect.Effect<{ readonly wamid: string; readonly statuses: ReadonlyArray<number> }, WebhookPostError>
  /** Several people's messages in one POST, laid out as `layout`. */
  readonly userSendsBatch: (
    items: ReadonlyArray<{ readonly who: UserRef; readonly message: InboundDraft }>,
    layout: BatchLayout,
    options?: PostOptions
  ) => Effect.Effect<{ readonly wamids: ReadonlyArray<string>; readonly statuses: ReadonlyArray<number> }, WebhookPostError>
  /** Status webhooks for a sent message, in the order given (e.g. read before delivered). */
  readonly emitStatuses: (
    wamid: string,
    statuses: ReadonlyArray<StatusValue>,
    options?: PostOptions & { readonly layout?: "separate" | "together" }
  ) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** The person moves to a new phone number: a `user_changed_number` system message. */
  readonly changeNumber: (who: UserRef, newWaId: string) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** Builds (without posting) the envelope of messages from people, for custom deliveries. */
  readonly envelopeOf: (items: ReadonlyArray<{ readonly who: UserRef; readonly message: InboundDraft }>, layout: BatchLayout) => Effect.Effect<{ readonly envelope: WebhookEnvelopeEncoded; readonly wamids: ReadonlyArray<string> }>
}

export class WebhookPostError extends Schema.TaggedError<WebhookPostError>()("WebhookPostError", {
  reason: Schema.String
}) {}

interface MediaItem {
  readonly bytes: Uint8Array
  readonly mimeType: string
  readonly createdAt: number
  readonly lifetimeMs: number
}

interface StoredFault extends Fault {
  remaining: number
}

const dayMs = 24 * 60 * 60 * 1000
const wamid = () => `wamid.HBgL${randomBytes(24).toString("base64url")}`
const mediaIdOf = () => `${BigInt(`0x${randomBytes(7).toString("hex")}`) % 10n ** 15n + 10n ** 15n}`
const userIdOf = () => `US.${BigInt(`0x${randomBytes(8).toString("hex")}`)}`
const hexSha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
const base64Sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64")

const graphError = (code: number, message: string, details?: string, subcode?: number): GraphErrorBody => ({
  error: {
    message: `(#${code}) ${message}`,
    type: "OAuthException",
    code,
    ...(details === undefined ? {} : { error_data: { messaging_product: "whatsapp", details } }),
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    fbtrace_id: randomBytes(12).toString("base64url")
  }
})

const titles: Record<number, string> = {
  [GraphErrorCode.InvalidParameter]: "Invalid parameter",
  [GraphErrorCode.AccessTokenInvalid]: "Invalid OAuth access token",
  [GraphErrorCode.AppRateLimit]: "Application request limit reached",
  [GraphErrorCode.AccountRateLimit]: "Rate limit hit",
  [GraphErrorCode.Throughput]: "Rate limit hit",
  [GraphErrorCode.PairRateLimit]: "(Business Account, Consumer Account) pair rate limit hit",
  [GraphErrorCode.SpamRateLimit]: "Spam rate limit hit",
  [GraphErrorCode.Undeliverable]: "Message undeliverable",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Re-engagement message",
  [GraphErrorCode.UserIdNotSupported]: "Business-scoped user id not supported"
}
const detailsOf: Record<number, string> = {
  [GraphErrorCode.Throughput]: "Cloud API message throughput has been reached.",
  [GraphErrorCode.PairRateLimit]: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
}
const defaultHttpStatus = (code: number): number =>
  code === GraphErrorCode.AccessTokenInvalid ? 401 : code === GraphErrorCode.Throughput || code === GraphErrorCode.AppRateLimit || code === GraphErrorCode.AccountRateLimit ? 429 : 400

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

const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })
const refuse = (code: number, httpStatus = defaultHttpStatus(code), details = detailsOf[code]) =>
  json(graphError(code, titles[code] ?? "Error", details), httpStatus)

export const makeFakeGraphApi = (
  options: FakeGraphApiOptions = {}
): Effect.Effect<FakeGraphApi, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function* () {
    const accessToken = options.accessToken ?? "fake-whatsapp-token"
    const appSecret = options.appSecret ?? "fake-app-secret"
    const phoneNumberId = options.phoneNumberId ?? "106540352242922"
    const displayPhoneNumber = options.displayPhoneNumber ?? "15550783881"
    const wabaId = options.wabaId ?? "102290129340398"
    const version = options.version ?? "v23.0"
    const throughput = options.throughputPerSecond ?? 80
    const pairRate = options.pairRate ?? { burst: 45, interval: "6 seconds" }
    const windowMode = options.customerServiceWindow ?? "sync"
    const urlLifetimeMs = Duration.toMillis(options.mediaUrlLifetime ?? "5 minutes")
    const urlSecret = randomBytes(16)

    const users = new Map<string, Mutable<FakeUser>>()
    const lastInbound = new Map<string, number>()
    const inbox = new Map<string, Array<ReceivedMessage>>()
    const attempts: Array<SendAttempt> = []
    /** Keeps the attempts log bounded when the fake serves the embedded default for days. */
    const logAttempt = (attempt: SendAttempt) => {
      attempts.push(attempt)
      if (attempts.length > 50_000) attempts.splice(0, attempts.length - 10_000)
    }
    const reads: Array<ReadReceipt> = []
    const downloads: Array<MediaDownload> = []
    const media = new Map<string, MediaItem>()
    const faults: Array<StoredFault> = []
    const httpFaults: Array<{ status: number; remaining: number }> = []
    const pairCells = new Map<string, number>()
    let webhookUrl = options.webhookUrl

    const findUser = (who: UserRef): Mutable<FakeUser> | undefined => {
      if (typeof who === "string") return users.get(who) ?? [...users.values()].find((user) => user.waId === who)
      if (who.userId !== undefined && users.has(who.userId)) return users.get(who.userId)
      return who.waId === undefined ? undefined : [...users.values()].find((user) => user.waId === who.waId)
    }

    const addUser: FakeGraphApi["addUser"] = (spec) =>
      Effect.sync(() => {
        const existing = findUser(spec)
        if (existing !== undefined) return existing
        const user: Mutable<FakeUser> = {
          userId: spec.userId ?? userIdOf(),
          name: spec.name ?? "Test User",
          ...(spec.waId === undefined ? {} : { waId: spec.waId }),
          ...(spec.username === undefined ? {} : { username: spec.username })
        }
        users.set(user.userId, user)
        return user
      })

    const userOrCreate = (who: UserRef) =>
      addUser(typeof who === "string" ? (who.startsWith("US.") ? { userId: who } : { waId: who }) : who)

    const now = Clock.currentTimeMillis

    // --- sends -------------------------------------------------------------------------------

    const takeFault = (user: FakeUser | undefined): StoredFault | undefined => {
      const index = faults.findIndex(
        (fault) => fault.user === undefined || (user !== undefined && findUser(fault.user)?.userId === user.userId)
      )
      const fault = faults[index]
      if (fault === undefined) return undefined
      fault.remaining -= 1
      if (fault.remaining <= 0) faults.splice(index, 1)
      return fault
    }

    const throughputExceeded = (at: number) =>
      attempts.filter((attempt) => attempt.code === undefined && attempt.at > at - 1000).length >= throughput

    /** GCRA per person, as Meta's pair limit with its short bursts. */
    const pairExceeded = (userId: string, at: number): boolean => {
      if (pairRate === "off") return false
      const interval = Duration.toMillis(pairRate.interval)
      const tat = Math.max(pairCells.get(userId) ?? at, at)
      if (tat - at > interval * (pairRate.burst - 1)) return true
      pairCells.set(userId, tat + interval)
      return false
    }

    const windowOpen = (userId: string, at: number) => {
      const last = lastInbound.get(userId)
      return last !== undefined && at - last <= dayMs
    }

    const sendStatusLater = (id: string, user: FakeUser, code: number) =>
      Effect.sleep("20 millis").pipe(
        Effect.zipRight(now),
        Effect.flatMap((at) =>
          postEnvelope(
            statusEnvelope(user, id, [{ status: "failed", at, errors: [{ code, title: titles[code] ?? "Error", message: titles[code] ?? "Error", error_data: { details: detailsOf[code] ?? "" } }] }], "together")
          )
        ),
        Effect.ignore
      )

    const fibers = yield* FiberSet.make<unknown, never>()
    const deliveries = yield* Effect.acquireRelease(PubSub.unbounded<Delivery>(), PubSub.shutdown)

    const handleSend = (payload: unknown) =>
      Effect.gen(function* () {
        const at = yield* now
        if (typeof payload === "object" && payload !== null && "status" in payload) {
          return yield* Either.match(Schema.decodeUnknownEither(MarkReadBody)(payload), {
            onLeft: (error) => Effect.succeed(refuse(100, 400, ParseResult.TreeFormatter.formatErrorSync(error))),
            onRight: (body) =>
              Effect.sync(() => {
                reads.push({ messageId: body.message_id, typingIndicator: body.typing_indicator !== undefined })
                return json({ success: true })
              })
          })
        }
        const decoded = Schema.decodeUnknownEither(SendMessageBodySchema, { errors: "all" })(payload)
        if (Either.isLeft(decoded)) {
          const address = typeof payload === "object" && payload !== null && "to" in payload ? String(payload.to) : ""
          logAttempt({ at, address, code: 100 })
          return refuse(100, 400, ParseResult.TreeFormatter.formatErrorSync(decoded.left))
        }
        const body = decoded.right
        // Meta uses `to` when both are present.
        const address = body.to ?? body.recipient ?? ""
        const user = yield* userOrCreate(body.to !== undefined ? { waId: body.to } : { userId: address })
        const record = (code?: number) => logAttempt({ at, address, ...(code === undefined ? {} : { code }) })

        const fault = takeFault(user)
        if (fault !== undefined && fault.mode !== "status") {
          record(fault.code)
          return refuse(fault.code, fault.httpStatus)
        }
        if (throughputExceeded(at)) {
          record(GraphErrorCode.Throughput)
          return refuse(GraphErrorCode.Throughput)
        }
        if (pairExceeded(user.userId, at)) {
          record(GraphErrorCode.PairRateLimit)
          return refuse(GraphErrorCode.PairRateLimit)
        }
        const windowClosed = body.type !== "template" && windowMode !== "off" && !windowOpen(user.userId, at)
        if (windowClosed && windowMode === "sync") {
          record(GraphErrorCode.OutsideCustomerServiceWindow)
          return refuse(GraphErrorCode.OutsideCustomerServiceWindow)
        }
        const mediaId = uploadedMediaIn(body)
        if (mediaId !== undefined && !media.has(mediaId)) {
          record(100)
          return refuse(100, 400, `Invalid media id ${mediaId}`)
        }
        record()
        const id = wamid()
        const laterCode = fault?.mode === "status" ? fault.code : windowClosed ? GraphErrorCode.OutsideCustomerServiceWindow : undefined
        if (laterCode === undefined) {
          const list = inbox.get(user.userId) ?? []
          list.push({ id, body, at })
          inbox.set(user.userId, list)
          yield* PubSub.publish(deliveries, { user, message: { id, body, at } })
          if (options.autoStatuses === true && webhookUrl !== undefined) {
            yield* FiberSet.run(
              fibers,
              Effect.sleep("10 millis").pipe(
                Effect.zipRight(postEnvelope(statusEnvelope(user, id, [{ status: "sent", at }, { status: "delivered", at }], "together"))),
                Effect.ignore
              )
            )
          }
        } else {
          yield* FiberSet.run(fibers, sendStatusLater(id, user, laterCode))
        }
        return json({
          messaging_product: "whatsapp",
          contacts: [
            body.to !== undefined
              ? { input: body.to, wa_id: user.waId ?? body.to, user_id: user.userId }
              : { input: address, user_id: user.userId }
          ],
          messages: [{ id, ...(body.type === "template" ? { message_status: "accepted" } : {}) }]
        })
      })

    // --- media -------------------------------------------------------------------------------

    const storeMedia = (bytes: Uint8Array, mimeType: string, lifetimeMs: number) =>
      Effect.map(now, (createdAt) => {
        const id = mediaIdOf()
        media.set(id, { bytes: Uint8Array.from(bytes), mimeType, createdAt, lifetimeMs })
        return id
      })

    const mediaKind = (mimeType: string): keyof typeof mediaSizeLimits =>
      mimeType === "image/webp" ? "sticker" : mimeType.startsWith("image/") ? "image" : mimeType.startsWith("video/") ? "video" : mimeType.startsWith("audio/") ? "audio" : "document"

    const handleUpload = (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const parts = yield* request.multipartStream.pipe(
          Stream.mapEffect((part) =>
            part._tag === "File"
              ? Effect.map(part.contentEffect, (content) => ({ key: part.key, value: "", file: Option.some({ content, type: part.contentType }) }))
              : Effect.succeed({ key: part.key, value: part._tag === "Field" ? part.value : "", file: Option.none<{ content: Uint8Array; type: string }>() })
          ),
          Stream.runCollect,
          Effect.either
        )
        if (Either.isLeft(parts)) return refuse(100, 400, "the upload is not multipart/form-data")
        const all = [...parts.right]
        const field = (key: string) => all.find((part) => part.key === key)
        const file = Option.flatMap(Option.fromNullable(field("file")), (part) => part.file)
        const type = field("type")?.value ?? ""
        if (field("messaging_product")?.value !== "whatsapp") return refuse(100, 400, "messaging_product is required")
        if (Option.isNone(file)) return refuse(100, 400, "file is required")
        if (type.length === 0) return refuse(100, 400, "type is required")
        if (file.value.content.length > mediaSizeLimits[mediaKind(type)]) {
          return refuse(GraphErrorCode.MediaUpload, 400, `file is larger than the ${mediaKind(type)} limit`)
        }
        const id = yield* storeMedia(file.value.content, type, 30 * dayMs)
        return json({ id })
      })

    const urlHash = (mediaId: string, expires: number) =>
      createHmac("sha256", urlSecret).update(`${mediaId}:${expires}`).digest("hex")

    const liveMedia = (mediaId: string, at: number): MediaItem | undefined => {
      const item = media.get(mediaId)
      return item !== undefined && at - item.createdAt <= item.lifetimeMs ? item : undefined
    }

    const handleLookup = (mediaId: string, origin: string) =>
      Effect.map(now, (at) => {
        const item = liveMedia(mediaId, at)
        if (item === undefined) {
          return json(
            graphError(100, `Unsupported get request. Object with ID '${mediaId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, undefined, 33),
            400
          )
        }
        const expires = Math.floor((at + urlLifetimeMs) / 1000)
        return json({
          messaging_product: "whatsapp",
          url: `${origin}/whatsapp_business/attachments/?mid=${mediaId}&ext=${expires}&hash=${urlHash(mediaId, expires)}`,
          mime_type: item.mimeType,
          sha256: hexSha256(item.bytes),
          file_size: String(item.bytes.length),
          id: mediaId
        })
      })

    const handleDownload = (url: URL, request: HttpServerRequest.HttpServerRequest) =>
      Effect.map(now, (at) => {
        const mediaId = url.searchParams.get("mid") ?? ""
        const expires = Number(url.searchParams.get("ext") ?? "0")
        const hash = url.searchParams.get("hash") ?? ""
        const answer = (response: HttpServerResponse.HttpServerResponse) => {
          downloads.push({ mediaId, userAgent: request.headers["user-agent"], status: response.status })
          return response
        }
        if (request.headers["authorization"] !== `Bearer ${accessToken}`) return answer(HttpServerResponse.text("Unauthorized", { status: 401 }))
        if (hash !== urlHash(mediaId, expires)) return answer(HttpServerResponse.text("Forbidden", { status: 403 }))
        const item = liveMedia(mediaId, at)
        if (at > expires * 1000 || item === undefined) return answer(HttpServerResponse.text("URL signature expired", { status: 404 }))
        return answer(HttpServerResponse.uint8Array(item.bytes, { contentType: item.mimeType }))
      })

    // --- routing -----------------------------------------------------------------------------

    const takeHttpFault = () => {
      const fault = httpFaults[0]
      if (fault === undefined) return undefined
      fault.remaining -= 1
      if (fault.remaining <= 0) httpFaults.shift()
      return fault.status
    }

    const app = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const host = request.headers["host"] ?? "127.0.0.1"
      const origin = `http://${host}`
      const url = new URL(request.url, origin)
      const segments = url.pathname.split("/").filter((segment) => segment.length > 0)
      const httpFault = takeHttpFault()
      if (httpFault !== undefined) return HttpServerResponse.text("Service Unavailable", { status: httpFault })
      if (segments[0] === "whatsapp_business" && segments[1] === "attachments" && request.method === "GET") {
        return yield* handleDownload(url, request)
      }
      if (segments[0] !== version) return refuse(100, 400, `Unknown path components: ${url.pathname}`)
      if (request.headers["authorization"] !== `Bearer ${accessToken}`) {
        return json(graphError(190, "Invalid OAuth access token - Cannot parse access token"), 401)
      }
      if (segments.length === 3 && segments[1] === phoneNumberId && segments[2] === "messages" && request.method === "POST") {
        const payload = yield* Effect.either(request.json)
        return Either.isLeft(payload) ? refuse(100, 400, "The request body is not JSON") : yield* handleSend(payload.right)
      }
      if (segments.length === 3 && segments[1] === phoneNumberId && segments[2] === "media" && request.method === "POST") {
        return yield* handleUpload(request)
      }
      if (segments.length === 2 && request.method === "GET" && segments[1] !== undefined) {
        return yield* handleLookup(segments[1], origin)
      }
      return refuse(100, 400, `Unsupported ${request.method} request`)
    })

    const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    const address = server.address
    const origin = address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://127.0.0.1"

    // --- webhooks ----------------------------------------------------------------------------

    const client = yield* Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)

    const postRaw: FakeGraphApi["postRaw"] = (body, postOptions) =>
      Effect.gen(function* () {
        if (webhookUrl === undefined) return yield* Effect.fail(new WebhookPostError({ reason: "no webhook target set" }))
        const signature =
          postOptions?.signature === "missing"
            ? {}
            : { "x-hub-signature-256": postOptions?.signature === "invalid" ? metaSignature("not-the-secret", body) : metaSignature(appSecret, body) }
        const request = HttpClientRequest.post(webhookUrl).pipe(
          HttpClientRequest.setHeaders({ "user-agent": "facebookexternalua", ...signature }),
          HttpClientRequest.bodyText(body, "application/json")
        )
        const statuses: Array<number> = []
        for (let i = 0; i < (postOptions?.times ?? 1); i++) {
          const response = yield* client.execute(request).pipe(
            Effect.mapError((error) => new WebhookPostError({ reason: error.message }))
          )
          statuses.push(response.status)
        }
        return statuses
      })

    const postEnvelope = (envelope: WebhookEnvelopeEncoded, postOptions?: PostOptions) => postRaw(metaJson(envelope), postOptions)

    const metadata = { display_phone_number: displayPhoneNumber, phone_number_id: phoneNumberId }

    const contactOf = (user: FakeUser) => ({
      profile: { name: user.name, ...(user.username === undefined ? {} : { username: user.username }) },
      ...(user.waId === undefined ? {} : { wa_id: user.waId }),
      user_id: user.userId
    })

    const statusEnvelope = (
      user: FakeUser,
      id: string,
      statuses: ReadonlyArray<{ status: StatusValue; at: number; errors?: ReadonlyArray<{ code: number; title: string; message: string; error_data: { details: string } }> }>,
      layout: "separate" | "together"
    ): WebhookEnvelopeEncoded => {
      const value = (items: typeof statuses) => ({
        messaging_product: "whatsapp" as const,
        metadata,
        statuses: items.map((item) => ({
          id,
          status: item.status,
          timestamp: String(Math.floor(item.at / 1000)),
          ...(user.waId === undefined ? {} : { recipient_id: user.waId }),
          recipient_user_id: user.userId,
          ...(item.errors === undefined ? {} : { errors: item.errors })
        }))
      })
      return {
        object: "whatsapp_business_account",
        entry: [
          {
            id: wabaId,
            changes: layout === "together" ? [{ field: "messages", value: value(statuses) }] : statuses.map((item) => ({ field: "messages", value: value([item]) }))
          }
        ]
      }
    }

    const envelopeOf: FakeGraphApi["envelopeOf"] = (items, layout) =>
      Effect.gen(function* () {
        const at = yield* now
        const timestamp = String(Math.floor(at / 1000))
        const built = yield* Effect.forEach(items, ({ message, who }) =>
          Effect.map(userOrCreate(who), (user) => {
            const id = wamid()
            const full: InboundMessageEncoded = {
              ...(user.waId === undefined ? {} : { from: user.waId }),
              from_user_id: user.userId,
              id,
              timestamp,
              ...message
            }
            return { user, message: full, id }
          })
        )
        const value = (group: typeof built) => ({
          messaging_product: "whatsapp" as const,
          metadata,
          contacts: group.map(({ user }) => contactOf(user)).filter((contact, index, all) => all.findIndex((other) => other.user_id === contact.user_id) === index),
          messages: group.map(({ message }) => message)
        })
        const entry: WebhookEnvelopeEncoded["entry"] =
          layout === "messages"
            ? [{ id: wabaId, changes: [{ field: "messages", value: value(built) }] }]
            : layout === "changes"
              ? [{ id: wabaId, changes: built.map((item) => ({ field: "messages", value: value([item]) })) }]
              : built.map((item) => ({ id: wabaId, changes: [{ field: "messages", value: value([item]) }] }))
        return { envelope: { object: "whatsapp_business_account", entry }, wamids: built.map(({ id }) => id) }
      })

    const userSendsBatch: FakeGraphApi["userSendsBatch"] = (items, layout, postOptions) =>
      Effect.gen(function* () {
        const { envelope, wamids } = yield* envelopeOf(items, layout)
        const at = yield* now
        for (const { who } of items) {
          const user = yield* userOrCreate(who)
          lastInbound.set(user.userId, at)
        }
        const statuses = yield* postEnvelope(envelope, postOptions)
        return { wamids, statuses }
      })

    const userSends: FakeGraphApi["userSends"] = (who, message, postOptions) =>
      Effect.map(userSendsBatch([{ who, message }], "messages", postOptions), ({ statuses, wamids }) => ({
        wamid: wamids[0] ?? "",
        statuses
      }))

    const emitStatuses: FakeGraphApi["emitStatuses"] = (id, statuses, postOptions) =>
      Effect.gen(function* () {
        const at = yield* now
        const owner = [...inbox.entries()].find(([, list]) => list.some((item) => item.id === id))?.[0]
        const user = owner === undefined ? undefined : users.get(owner)
        if (user === undefined) return yield* Effect.fail(new WebhookPostError({ reason: `no message ${id} was sent` }))
        const items = statuses.map((status, index) => ({ status, at: at + index * 1000 }))
        if (postOptions?.layout === "together") return yield* postEnvelope(statusEnvelope(user, id, items, "together"), postOptions)
        const results: Array<number> = []
        for (const item of items) results.push(...(yield* postEnvelope(statusEnvelope(user, id, [item], "together"), postOptions)))
        return results
      })

    const changeNumber: FakeGraphApi["changeNumber"] = (who, newWaId) =>
      Effect.gen(function* () {
        const user = yield* userOrCreate(who)
        const old = user.waId ?? ""
        const { envelope } = yield* envelopeOf(
          [{ who: user, message: { type: "system", system: { body: `${user.name} changed from ${old} to ${newWaId}`, new_wa_id: newWaId, type: "user_changed_number", user_id: user.userId } } }],
          "messages"
        )
        const stored = findUser(user.userId)
        if (stored !== undefined) stored.waId = newWaId
        return yield* postEnvelope(envelope)
      })

    const toUserId = (who: UserRef) => Effect.map(userOrCreate(who), (user) => user.userId)

    return {
      baseUrl: `${origin}/${version}`,
      origin,
      accessToken,
      appSecret,
      phoneNumberId,
      addUser,
      user: (who) => Effect.sync(() => Option.fromNullable(findUser(who))),
      received: (who) => Effect.sync(() => {
        const user = findUser(who)
        return user === undefined ? [] : [...(inbox.get(user.userId) ?? [])]
      }),
      deliveries: Stream.fromPubSub(deliveries),
      attempts: Effect.sync(() => [...attempts]),
      readReceipts: Effect.sync(() => [...reads]),
      downloads: Effect.sync(() => [...downloads]),
      putMedia: (bytes, mimeType) => storeMedia(bytes, mimeType, 7 * dayMs),
      media: (mediaId) =>
        Effect.sync(() => Option.map(Option.fromNullable(media.get(mediaId)), (item) => ({ bytes: item.bytes, mimeType: item.mimeType }))),
      fail: (fault) => Effect.sync(() => void faults.push({ ...fault, remaining: fault.times ?? 1 })),
      failHttp: (status, times = 1) => Effect.sync(() => void httpFaults.push({ status, remaining: times })),
      clearFaults: Effect.sync(() => {
        faults.length = 0
        httpFaults.length = 0
      }),
      openWindow: (who) => Effect.flatMap(Effect.zip(toUserId(who), now), ([userId, at]) => Effect.sync(() => void lastInbound.set(userId, at))),
      closeWindow: (who) => Effect.flatMap(toUserId(who), (userId) => Effect.sync(() => void lastInbound.delete(userId))),
      setWebhookTarget: (url) => Effect.sync(() => void (webhookUrl = url)),
      postWebhook: postEnvelope,
      postRaw,
      userSends,
      userSendsBatch,
      emitStatuses,
      changeNumber,
      envelopeOf
    } satisfies FakeGraphApi
  })

/** The Meta base64 SHA-256 of some bytes, as webhooks announce media. */
export const announcedSha256 = base64Sha256
