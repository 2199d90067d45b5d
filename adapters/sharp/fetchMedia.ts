import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Chunk, Duration, Effect, Option, Stream } from "effect"
import { MediaUnreachable, MediaUnusable } from "../../application/ports/MediaPreparer.js"

export interface FetchMediaOptions {
  /** For the whole download, body included. */
  readonly timeout: Duration.DurationInput
  /** Bytes beyond which the download stops: nothing larger could be sent. */
  readonly maxBytes: number
}

/** Statuses that may pass: the host is busy or slow, not refusing this link. */
const isTransientStatus = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429

/** The link's host alone: links may carry signed query strings, and errors end up in logs and rows. */
const hostOf = (url: URL) => url.host

/**
 * Downloads a link's bytes, with a timeout and a size cap enforced while reading (a lying or
 * missing Content-Length changes nothing). Unreachable: network errors, timeouts, 5xx, 408, 425,
 * 429. Unusable: anything else that is not a 2xx, a non-http(s) link, an empty or oversized body.
 */
export const fetchMedia = (
  url: string,
  options: FetchMediaOptions
): Effect.Effect<Uint8Array, MediaUnreachable | MediaUnusable, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return yield* new MediaUnusable({ message: "the media link is not an http(s) URL" })
    }
    const host = hostOf(parsed)
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(parsed)).pipe(
      Effect.mapError((error) =>
        error._tag === "RequestError" && error.reason !== "Transport"
          ? new MediaUnusable({ message: `the media link to ${host} is invalid` })
          : new MediaUnreachable({ message: `${host} could not be reached` })
      )
    )
    if (response.status < 200 || response.status >= 300) {
      const message = `${host} answered HTTP ${response.status} for the media`
      return yield* isTransientStatus(response.status) ? new MediaUnreachable({ message }) : new MediaUnusable({ message })
    }
    const tooLarge = new MediaUnusable({ message: `the media at ${host} is larger than ${options.maxBytes} bytes` })
    const declared = Option.flatMap(Option.fromNullable(response.headers["content-length"]), (length) =>
      /^\d+$/.test(length) ? Option.some(Number(length)) : Option.none()
    )
    if (Option.isSome(declared) && declared.value > options.maxBytes) return yield* tooLarge

    const chunks = yield* response.stream.pipe(
      Stream.mapError(() => new MediaUnreachable({ message: `the download from ${host} broke off` })),
      Stream.mapAccumEffect(0, (received, chunk) => {
        const total = received + chunk.length
        return total > options.maxBytes ? Effect.fail(tooLarge) : Effect.succeed([total, chunk] as const)
      }),
      Stream.runCollect
    )
    const size = Chunk.reduce(chunks, 0, (total, chunk) => total + chunk.length)
    if (size === 0) return yield* new MediaUnusable({ message: `${host} answered an empty body for the media` })
    const bytes = new Uint8Array(size)
    let at = 0
    for (const chunk of chunks) {
      bytes.set(chunk, at)
      at += chunk.length
    }
    return bytes
  }).pipe(
    Effect.timeoutFail({
      duration: options.timeout,
      onTimeout: () => new MediaUnreachable({ message: `the media download did not finish within ${Duration.format(Duration.decode(options.timeout))}` })
    })
  )
