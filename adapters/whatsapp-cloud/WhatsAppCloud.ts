import { HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientResponse } from "@effect/platform"
import { createHash } from "node:crypto"
import type { ConfigError, ParseResult, Tracer } from "effect"
import { Config, Context, Duration, Effect, Either, FiberRef, Layer, Option, Redacted, Schedule, Schema } from "effect"
import { countGraphApiError, countPacingWait } from "../../application/metrics/BotMetrics.js"
import type { DownloadError, DownloadOptions, MediaSourceService } from "../../application/ports/MediaSource.js"
import { MediaExpired, MediaIntegrityFailed, MediaNotFound, MediaSource, MediaTooLarge, sha256Matches } from "../../application/ports/MediaSource.js"
import type { MessengerService, SendError } from "../../application/ports/Messenger.js"
import {
  AuthenticationFailed,
  InvalidParameter,
  MessageRejected,
  Messenger,
  MessengerUnavailable,
  OutsideCustomerServiceWindow,
  PairRateLimited,
  RateLimited,
  recipientKey,
  Undeliverable
} from "../../application/ports/Messenger.js"
import { RateBudgets } from "../../application/ports/RateBudgets.js"
import { GraphErrorBody, GraphErrorCode } from "../../contracts/whatsapp/GraphError.js"
import type { GraphError } from "../../contracts/whatsapp/GraphError.js"
import { MarkReadBody, MediaLookupResponse, MediaUploadResponse, SendMessageResponse, SuccessResponse } from "../../contracts/whatsapp/Send.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { readBoundedBody } from "../http-fetch/boundedDownload.js"
import { InMemoryRateBudgets } from "../memory/InMemoryRateBudgets.js"
import { makeRecipientPacer } from "./RecipientPacer.js"
import { toSendBody } from "./sendBody.js"
import { withinDeadline } from "./withinDeadline.js"

/** Settings of the WhatsApp Cloud adapter; `WhatsAppCloudConfig` reads them from the environment. */
export interface WhatsAppCloudSettings {
  /** Graph API base, version included. */
  readonly apiUrl: string
  readonly numberId: string
  readonly apiKey: Redacted.Redacted<string>
  /** The number's throughput: Meta allows 80 messages a second by default. */
  readonly throughputPerSecond: number
  /** Messages to one person that go out at once before pacing starts. */
  readonly recipientBurst: number
  /** Sustained pace to one person once the burst is spent (Meta: about one per 6 s). */
  readonly recipientInterval: Duration.Duration
  /** First pause of the exponential back-off for rate limits and 5xx. */
  readonly retryBase: Duration.Duration
  /** Retries of a rate-limited or failed call before its error is returned. */
  readonly retryAttempts: number
  /** First pause for one person after a pair-rate refusal (131056); doubles each time. */
  readonly pairBackoffBase: Duration.Duration
  readonly pairRetryAttempts: number
  readonly requestTimeout: Duration.Duration
  /** The largest media a person sent that is downloaded; by default `defaultMediaMaxBytes`. */
  readonly mediaMaxBytes?: number
}

/**
 * 25 MiB: a full-resolution camera photo sent as a document (a 48-megapixel JPEG or HEIC) is
 * 5 to 20 MB, and WhatsApp's own image limit is 5 MB; its document limit, 100 MB, is no size for a
 * selfie, and ten of those at once would need a gigabyte. Anything larger is refused unread.
 */
export const defaultMediaMaxBytes = 25 * 1024 * 1024

export const WhatsAppCloudConfig: Config.Config<WhatsAppCloudSettings> = Config.all({
  apiUrl: Config.string("WHATSAPP_API_URL").pipe(Config.withDefault("https://graph.facebook.com/v23.0")),
  numberId: Config.nonEmptyString("WHATSAPP_NUMBER_ID"),
  apiKey: Config.redacted("WHATSAPP_API_KEY"),
  throughputPerSecond: Config.integer("WHATSAPP_THROUGHPUT_PER_SECOND").pipe(Config.withDefault(80)),
  recipientBurst: Config.integer("WHATSAPP_RECIPIENT_BURST").pipe(Config.withDefault(12)),
  recipientInterval: Config.duration("WHATSAPP_RECIPIENT_INTERVAL").pipe(Config.withDefault(Duration.seconds(6))),
  retryBase: Config.duration("WHATSAPP_RETRY_BASE").pipe(Config.withDefault(Duration.millis(500))),
  retryAttempts: Config.integer("WHATSAPP_RETRY_ATTEMPTS").pipe(Config.withDefault(6)),
  pairBackoffBase: Config.duration("WHATSAPP_PAIR_BACKOFF_BASE").pipe(Config.withDefault(Duration.seconds(2))),
  pairRetryAttempts: Config.integer("WHATSAPP_PAIR_RETRY_ATTEMPTS").pipe(Config.withDefault(5)),
  requestTimeout: Config.duration("WHATSAPP_REQUEST_TIMEOUT").pipe(Config.withDefault(Duration.seconds(15))),
  mediaMaxBytes: Config.integer("MEDIA_MAX_DOWNLOAD_BYTES").pipe(
    Config.withDefault(defaultMediaMaxBytes),
    Config.validate({ message: "MEDIA_MAX_DOWNLOAD_BYTES must be a positive integer", validation: (n) => n > 0 })
  )
})

/** Media hosts refuse requests without one. */
export const mediaUserAgent = "whatsapp-astria-bot/0.1 (WhatsApp Cloud API media download)"

type GraphFailure =
  | RateLimited
  | PairRateLimited
  | OutsideCustomerServiceWindow
  | Undeliverable
  | AuthenticationFailed
  | InvalidParameter
  | MessageRejected
  | MessengerUnavailable

/** Codes Meta documents as temporary on its side: retried like a 5xx. */
const temporaryCodes: ReadonlySet<number> = new Set([1, 2, 131000, 131016])

/** A Graph error by its code (never by HTTP status, which varies for the same error). */
export const fromGraphError = (error: GraphError): GraphFailure => {
  const details = error.error_data?.details
  const message = details === undefined ? error.message : `${error.message}: ${details}`
  switch (error.code) {
    case GraphErrorCode.InvalidParameter:
      return new InvalidParameter({ message: error.message, ...(details === undefined ? {} : { details }) })
    case GraphErrorCode.AccessTokenInvalid:
      return new AuthenticationFailed({ message })
    case GraphErrorCode.AppRateLimit:
    case GraphErrorCode.AccountRateLimit:
    case GraphErrorCode.Throughput:
    case GraphErrorCode.SpamRateLimit:
      return new RateLimited({ code: error.code, message })
    case GraphErrorCode.PairRateLimit:
      return new PairRateLimited({ message })
    case GraphErrorCode.OutsideCustomerServiceWindow:
      return new OutsideCustomerServiceWindow({ message })
    case GraphErrorCode.Undeliverable:
      return new Undeliverable({ code: error.code, message })
    default:
      return temporaryCodes.has(error.code)
        ? new MessengerUnavailable({ message: `(#${error.code}) ${message}` })
        : new MessageRejected({ code: error.code, message: error.message, ...(details === undefined ? {} : { details }) })
  }
}

/** Worth another try after a pause: call-rate limits (not spam, which needs a real pause) and outages. */
const isTransient = (error: { readonly _tag: string; readonly code?: number }): boolean =>
  error._tag === "MessengerUnavailable" ||
  (error._tag === "RateLimited" && error.code !== GraphErrorCode.SpamRateLimit)

const decodeGraphError = Schema.decodeUnknownEither(GraphErrorBody)

/** A success schema's decoder, made once per schema rather than per call. */
type Decoder<A> = (body: unknown) => Either.Either<A, ParseResult.ParseError>

/** Reads a response: the success schema on 2xx, a typed failure from the Graph error body otherwise. */
const readResponse = <A>(decode: Decoder<A>, response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, GraphFailure> =>
  Effect.matchEffect(response.json, {
    onFailure: () => answered(decode, response.status, Option.none()),
    onSuccess: (body) => answered(decode, response.status, Option.some(body))
  })

const answered = <A>(decode: Decoder<A>, status: number, json: Option.Option<unknown>): Effect.Effect<A, GraphFailure> => {
  if (status >= 200 && status < 300) {
    if (Option.isNone(json)) return Effect.fail(new MessengerUnavailable({ message: `an answer that is not JSON (${status})` }))
    return Either.match(decode(json.value), {
      onLeft: () => Effect.fail(new MessengerUnavailable({ message: `an unexpected answer (${status})` })),
      onRight: Effect.succeed
    })
  }
  const graphError = Option.flatMap(json, (body) => Option.getRight(decodeGraphError(body)))
  return Effect.zipRight(
    countGraphApiError(Option.match(graphError, { onNone: () => `http_${status}`, onSome: (body) => String(body.error.code) })),
    Effect.fail(
      Option.match(graphError, {
        onSome: (body) => fromGraphError(body.error),
        onNone: () =>
          status >= 500 || status === 429
            ? new MessengerUnavailable({ message: `HTTP ${status}` })
            : new MessageRejected({ code: status, message: `HTTP ${status} without a Graph error` })
      })
    )
  )
}

const decodeSendMessageResponse = Schema.decodeUnknownEither(SendMessageResponse)
const decodeSuccessResponse = Schema.decodeUnknownEither(SuccessResponse)
const decodeMediaUploadResponse = Schema.decodeUnknownEither(MediaUploadResponse)
const decodeMediaLookupResponse = Schema.decodeUnknownEither(MediaLookupResponse)

/**
 * `effect` retried on `schedule` while `worthRetrying`, as `Effect.retry` does, except that the
 * retry (a schedule and its driver, built per call) is set up only once a first attempt failed
 * with an error worth it: nearly every call succeeds at once and pays for none of it. That first
 * failure is handed to the retry as its first attempt's, so the pauses are `Effect.retry`'s own.
 */
const retryOnFailure = <A, E, R, X, R2>(
  effect: Effect.Effect<A, E, R>,
  schedule: Schedule.Schedule<X, E, R2>,
  worthRetrying: (error: E) => boolean
): Effect.Effect<A, E, R | R2> =>
  Effect.catchIf(effect, worthRetrying, (first) => {
    let failedOnce = false
    return Effect.retry(
      Effect.suspend(() => {
        if (failedOnce) return effect
        failedOnce = true
        return Effect.fail(first)
      }),
      Schedule.whileInput(schedule, worthRetrying)
    )
  })

/**
 * `effect` under a span when spans are made; as it is otherwise. Without an exporter the bot
 * makes none (runtimes/composition/TracingLive.ts), and even a span that is not kept costs a
 * send's fiber several frames.
 */
const traced = <A, E, R>(effect: Effect.Effect<A, E, R>, name: string, options: Tracer.SpanOptions): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) => (fiber.getFiberRef(FiberRef.currentTracerEnabled) ? Effect.withSpan(effect, name, options) : effect))

const hexSha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

export const makeWhatsAppCloud = (settings: WhatsAppCloudSettings) =>
  Effect.gen(function* () {
    const baseClient = yield* HttpClient.HttpClient
    const apiUrl = settings.apiUrl.replace(/\/+$/, "")
    const authorized = baseClient.pipe(
      HttpClient.mapRequest(HttpClientRequest.bearerToken(Redacted.value(settings.apiKey)))
    )
    const graph = authorized.pipe(HttpClient.mapRequest(HttpClientRequest.prependUrl(apiUrl)))
    const media = authorized.pipe(HttpClient.mapRequest(HttpClientRequest.setHeader("user-agent", mediaUserAgent)))

    // The number's throughput is one budget for every process on the same storage, so that
    // replicas share it instead of each sending at the whole rate. A burst of a whole second's
    // throughput would let twice Meta's limit through in the first second after a pause (130429);
    // a tenth of a second's worth keeps any second within about 1.1 times the limit.
    const budgets = yield* RateBudgets
    const numberBudget = `whatsapp-number:${settings.numberId}`
    const numberRate = {
      burst: Math.max(1, Math.round(settings.throughputPerSecond / 10)),
      interval: Duration.millis(1000 / settings.throughputPerSecond)
    }
    // The shared slots are reserved ahead; a fiber that wakes late (a busy event loop) would send
    // together with the next slot's. A second budget of this process's own, at the same pace, keeps
    // its sends spaced in real time, and costs nothing when they are on time.
    const ownBudgets = yield* Effect.provide(RateBudgets, InMemoryRateBudgets)
    // The wait is from the moment asked about: the reservation's own round trip is part of it, not
    // added to it (a slot 30 ms ahead, answered in 20, is 10 ms away). The clock is read in place,
    // not through its effects: this runs twice on every call.
    const waitTurn = (on: typeof budgets) =>
      Effect.clockWith((clock) => {
        const asked = clock.unsafeCurrentTimeMillis()
        return Effect.flatMap(on.reserve(numberBudget, numberRate, new Date(asked)), (wait) => {
          const left = asked + Duration.toMillis(wait) - clock.unsafeCurrentTimeMillis()
          return left > 0 ? Effect.sleep(Duration.millis(left)) : Effect.void
        })
      })
    const numberLimiter = <A, E>(call: Effect.Effect<A, E>): Effect.Effect<A, E | MessengerUnavailable> =>
      Effect.zipRight(waitTurn(budgets), waitTurn(ownBudgets)).pipe(
        Effect.mapError((error) => new MessengerUnavailable({ message: `the send budget could not be reserved: ${error.reason}` })),
        Effect.zipRight(call)
      )

    const pacer = yield* makeRecipientPacer({
      burst: settings.recipientBurst,
      interval: settings.recipientInterval,
      backoffBase: settings.pairBackoffBase,
      backoffMax: Duration.times(settings.pairBackoffBase, 2 ** settings.pairRetryAttempts)
    })

    const retrySchedule = Schedule.exponential(settings.retryBase).pipe(
      Schedule.union(Schedule.spaced(Duration.seconds(30))),
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(settings.retryAttempts))
    )

    const requestTimeoutMillis = Duration.toMillis(settings.requestTimeout)
    const call = <A>(
      client: HttpClient.HttpClient,
      request: HttpClientRequest.HttpClientRequest,
      decode: Decoder<A>
    ): Effect.Effect<A, GraphFailure> =>
      // The body is read within the same limit: a stalled answer is an outage too.
      withinDeadline(
        client.execute(request).pipe(
          Effect.catchTag("RequestError", "ResponseError", (error) =>
            Effect.zipRight(countGraphApiError("unreachable"), Effect.fail(new MessengerUnavailable({ message: error.message })))
          ),
          Effect.flatMap((response) => readResponse(decode, response))
        ),
        requestTimeoutMillis,
        () => new MessengerUnavailable({ message: "WhatsApp did not answer in time" })
      )

    const withRetries = <A, E extends { readonly _tag: string; readonly code?: number }>(effect: Effect.Effect<A, E>) =>
      retryOnFailure(
        effect.pipe(
          // Logged without the recipient: a phone number never goes into logs.
          Effect.tapError((error) =>
            isTransient(error) ? Effect.logWarning("WhatsApp call will be retried", { error: error._tag, code: error.code }) : Effect.void
          )
        ),
        retrySchedule,
        isTransient
      )
    const pairRetrySchedule = Schedule.recurs(settings.pairRetryAttempts)
    const isPairRateLimited = (error: { readonly _tag: string }) => error._tag === "PairRateLimited"

    // Sends and read receipts start from one request with its URL and token set, rather than
    // through the graph client's two request mappers per call.
    const messagesRequest = HttpClientRequest.post(`${apiUrl}/${settings.numberId}/messages`).pipe(
      HttpClientRequest.bearerToken(Redacted.value(settings.apiKey))
    )
    const postMessage = <A>(body: unknown, decode: Decoder<A>) =>
      call(baseClient, HttpClientRequest.bodyUnsafeJson(messagesRequest, body), decode)

    const send: MessengerService["send"] = (recipient, message, options) =>
      traced(
        Effect.flatMap(Effect.suspend(() => toSendBody(recipient, message, options)), (body) => {
          const key = recipientKey(recipient)
          const attempt = pacer.acquire(key).pipe(
            Effect.tap((waited) => countPacingWait(Duration.toMillis(waited))),
            Effect.zipRight(numberLimiter(postMessage(body, decodeSendMessageResponse)))
          )
          return retryOnFailure(
            withRetries(attempt).pipe(
              Effect.tapErrorTag("PairRateLimited", () =>
                Effect.zipRight(pacer.penalize(key), Effect.logWarning("WhatsApp pair rate limit: backing off this recipient"))
              )
            ),
            pairRetrySchedule,
            isPairRateLimited
          ).pipe(Effect.flatMap((response) => Effect.as(pacer.forgive(key), WhatsAppMessageId.make(response.messages[0].id))))
        }),
        "Messenger.send",
        {
          // No stack trace: capturing one per send cost more than the span, traced or not.
          captureStackTrace: false,
          attributes: { kind: message._tag, addressedBy: recipient.waId === undefined ? "user_id" : "phone" }
        }
      ) satisfies Effect.Effect<WhatsAppMessageId, SendError>

    const markRead: MessengerService["markRead"] = (messageId) =>
      traced(
        Effect.suspend(() => {
          const body = MarkReadBody.make({
            messaging_product: "whatsapp",
            status: "read",
            message_id: messageId,
            typing_indicator: { type: "text" }
          })
          return withRetries(numberLimiter(postMessage(body, decodeSuccessResponse))).pipe(
            Effect.asVoid,
            Effect.catchTags({
              // A read receipt is a courtesy: a pair or window refusal is not worth failing the caller for.
              PairRateLimited: () => Effect.void,
              OutsideCustomerServiceWindow: () => Effect.void,
              Undeliverable: () => Effect.void
            })
          )
        }),
        "Messenger.markRead",
        { captureStackTrace: false }
      )

    const uploadMedia: MessengerService["uploadMedia"] = (bytes, mimeType) =>
      Effect.gen(function* () {
        const form = new FormData()
        form.append("messaging_product", "whatsapp")
        form.append("type", mimeType)
        // A copy: Blob wants bytes backed by a plain ArrayBuffer, not any view.
        form.append("file", new Blob([Uint8Array.from(bytes)], { type: mimeType }), "file")
        // Encoded here by the platform's own multipart encoder (a Response over the form), so that the
        // body is bytes any HTTP client sends: undici's client cannot send Node's global FormData.
        const encoded = new Response(form)
        const body = new Uint8Array(yield* Effect.promise(() => encoded.arrayBuffer()))
        const request = HttpClientRequest.post(`/${settings.numberId}/media`).pipe(
          HttpClientRequest.setBody(HttpBody.uint8Array(body, encoded.headers.get("content-type") ?? "multipart/form-data"))
        )
        const response = yield* withRetries(call(graph, request, decodeMediaUploadResponse)).pipe(
          Effect.catchTags({
            PairRateLimited: (error) => Effect.fail(new MessengerUnavailable({ message: error.message })),
            OutsideCustomerServiceWindow: (error) => Effect.fail(new MessageRejected({ code: GraphErrorCode.OutsideCustomerServiceWindow, message: error.message })),
            Undeliverable: (error) => Effect.fail(new MessageRejected({ code: error.code, message: error.message }))
          })
        )
        return response.id
      }).pipe(Effect.withSpan("Messenger.uploadMedia", { attributes: { mimeType, bytes: bytes.length } }))

    const lookup = (mediaId: string) =>
      withRetries(call(graph, HttpClientRequest.get(`/${encodeURIComponent(mediaId)}`), decodeMediaLookupResponse)).pipe(
        Effect.catchAll((error): Effect.Effect<never, DownloadError> => {
          switch (error._tag) {
            case "AuthenticationFailed":
            case "RateLimited":
            case "MessengerUnavailable":
              return Effect.fail(error)
            default:
              // Meta answers 100 ("does not exist") for unknown, deleted and expired media ids.
              return Effect.fail(new MediaNotFound({ mediaId }))
          }
        })
      )

    const mediaMaxBytes = settings.mediaMaxBytes ?? defaultMediaMaxBytes

    /**
     * The URL's bytes, streamed and cut off past the limit, so that a file larger than declared
     * cannot hold more memory either; `None` when the URL has expired (Meta answers 404 or 403 then).
     */
    const fetchUrl = (mediaId: string, url: string): Effect.Effect<Option.Option<Uint8Array>, DownloadError> =>
      withRetries(
        Effect.gen(function* () {
          const response = yield* media.execute(HttpClientRequest.get(url))
          if (response.status === 200) {
            return Option.some(
              yield* readBoundedBody(response, mediaMaxBytes).pipe(
                Effect.catchTag("BodyTooLarge", (tooLarge) =>
                  Effect.fail(
                    new MediaTooLarge({
                      mediaId,
                      maxBytes: tooLarge.maxBytes,
                      ...(tooLarge.declaredBytes === undefined ? {} : { declaredBytes: tooLarge.declaredBytes })
                    })
                  )
                )
              )
            )
          }
          if (response.status === 401) {
            return yield* Effect.fail(new AuthenticationFailed({ message: "the media host refused the token" }))
          }
          if (response.status === 403 || response.status === 404 || response.status === 410) return Option.none()
          return yield* Effect.fail(new MessengerUnavailable({ message: `media download answered HTTP ${response.status}` }))
        }).pipe(
          Effect.timeoutFail({
            duration: settings.requestTimeout,
            onTimeout: () => new MessengerUnavailable({ message: "the media download did not answer in time" })
          }),
          Effect.catchTag("RequestError", "ResponseError", (error) =>
            Effect.fail(new MessengerUnavailable({ message: error.message }))
          )
        )
      )

    const download: MediaSourceService["download"] = (mediaId: string, options?: DownloadOptions) =>
      Effect.gen(function* () {
        // The URL lives 5 minutes: look up and download back to back, and look up again once if it
        // expired in between (a slow first attempt).
        for (let attempt = 0; attempt < 2; attempt++) {
          const found = yield* lookup(mediaId)
          // Meta declares the size: a file that cannot be kept is not fetched at all.
          if (found.file_size > mediaMaxBytes) {
            return yield* Effect.fail(new MediaTooLarge({ mediaId, maxBytes: mediaMaxBytes, declaredBytes: found.file_size }))
          }
          const bytes = yield* fetchUrl(mediaId, found.url)
          if (Option.isNone(bytes)) continue
          const sha256 = hexSha256(bytes.value)
          for (const announced of [found.sha256, options?.expectedSha256]) {
            if (announced !== undefined && !sha256Matches(announced, sha256)) {
              return yield* Effect.fail(new MediaIntegrityFailed({ mediaId, expected: announced, actual: sha256 }))
            }
          }
          return { bytes: bytes.value, mimeType: found.mime_type, sha256 }
        }
        return yield* Effect.fail(new MediaExpired({ mediaId }))
      }).pipe(Effect.withSpan("MediaSource.download"))

    return { messenger: { send, markRead, uploadMedia } satisfies MessengerService, mediaSource: { download } satisfies MediaSourceService }
  })

/**
 * The real adapter over given settings: the Messenger and MediaSource ports over the Graph API.
 * Read through the module namespace, as `WhatsAppCloud.layer(settings)`.
 */
export const layer = (
  settings: WhatsAppCloudSettings
): Layer.Layer<Messenger | MediaSource, never, HttpClient.HttpClient | RateBudgets> =>
  Layer.scopedContext(
    Effect.map(makeWhatsAppCloud(settings), ({ mediaSource, messenger }) =>
      Context.make(Messenger, messenger).pipe(Context.add(MediaSource, mediaSource))
    )
  )

/** The real adapter, configured from the environment (`WhatsAppCloudConfig`): `WhatsAppCloud.fromConfig`. */
export const fromConfig: Layer.Layer<Messenger | MediaSource, ConfigError.ConfigError, HttpClient.HttpClient | RateBudgets> =
  Layer.unwrapEffect(Effect.map(WhatsAppCloudConfig, layer))
