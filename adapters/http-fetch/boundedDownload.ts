import { HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientResponse } from "@effect/platform"
import type { ResponseError } from "@effect/platform/HttpClientError"
import { Chunk, Duration, Effect, Option, Schema, Stream } from "effect"

/** Worth trying again: network errors, timeouts, a broken-off body, 5xx, 408, 425, 429. */
export class DownloadUnavailable extends Schema.TaggedError<DownloadUnavailable>()("DownloadUnavailable", {
  message: Schema.String
}) {}

/** The link will not give usable bytes: not http(s), any other non-2xx, an empty or oversized body. */
export class DownloadRefused extends Schema.TaggedError<DownloadRefused>()("DownloadRefused", {
  message: Schema.String
}) {}

export type DownloadError = DownloadUnavailable | DownloadRefused

export interface BoundedDownloadOptions {
  /** For the whole download, body included. */
  readonly timeout: Duration.DurationInput
  /** Bodies beyond this many bytes are refused while reading, whatever Content-Length says. */
  readonly maxBytes: number
}

/** Statuses that may pass: the host is busy or slow, not refusing this link. */
const isTransientStatus = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429

/** A body longer than allowed: refused while reading (or at once, when its declared length says so). */
export class BodyTooLarge extends Schema.TaggedError<BodyTooLarge>()("BodyTooLarge", {
  maxBytes: Schema.Number,
  /** The length the response declared, when it declared one. */
  declaredBytes: Schema.optional(Schema.Number)
}) {}

const concat = (chunks: Chunk.Chunk<Uint8Array>, size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

/**
 * A response's body, read as it streams and refused past `maxBytes`, whatever Content-Length
 * says: at most `maxBytes` are ever held, however large the file. A declared length only spares
 * reading a body that could never fit.
 */
export const readBoundedBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<Uint8Array, BodyTooLarge | ResponseError> => {
  const declared = Option.fromNullable(response.headers["content-length"]).pipe(
    Option.filter((length) => /^\d+$/.test(length)),
    Option.map(Number),
    Option.filter((length) => length > maxBytes)
  )
  if (Option.isSome(declared)) return Effect.fail(new BodyTooLarge({ maxBytes, declaredBytes: declared.value }))
  return response.stream.pipe(
    Stream.mapAccumEffect(0, (received, chunk) => {
      const total = received + chunk.length
      return total > maxBytes ? Effect.fail(new BodyTooLarge({ maxBytes })) : Effect.succeed([total, chunk] as const)
    }),
    Stream.runCollect,
    Effect.map((chunks) => concat(chunks, Chunk.reduce(chunks, 0, (total, chunk) => total + chunk.length)))
  )
}

/**
 * One GET of a link's bytes, bounded in time and size; the caller decides on retries and maps the
 * two errors onto its port's. Messages name only the link's host: they end up in logs and rows,
 * and links may carry signed query strings.
 */
export const boundedDownload = (
  link: string,
  options: BoundedDownloadOptions
): Effect.Effect<Uint8Array, DownloadError, HttpClient.HttpClient> => {
  const url = URL.canParse(link) ? new URL(link) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return Effect.fail(new DownloadRefused({ message: "the link is not an http(s) URL" }))
  }
  const host = url.host
  const tooLarge = new DownloadRefused({ message: `the file at ${host} is larger than ${options.maxBytes} bytes` })
  return Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(url)).pipe(
      Effect.mapError((error) =>
        error._tag === "RequestError" && error.reason !== "Transport"
          ? new DownloadRefused({ message: `the link to ${host} is invalid` })
          : new DownloadUnavailable({
              message: error._tag === "RequestError" ? `${host} could not be reached` : `${host} answered unreadably`
            })
      )
    )
    if (response.status < 200 || response.status >= 300) {
      const message = `${host} answered HTTP ${response.status}`
      return yield* isTransientStatus(response.status) ? new DownloadUnavailable({ message }) : new DownloadRefused({ message })
    }
    const bytes = yield* readBoundedBody(response, options.maxBytes).pipe(
      Effect.catchTags({
        BodyTooLarge: () => Effect.fail(tooLarge),
        ResponseError: () => Effect.fail(new DownloadUnavailable({ message: `the download from ${host} broke off` }))
      })
    )
    if (bytes.length === 0) return yield* new DownloadRefused({ message: `${host} answered an empty body` })
    return bytes
  }).pipe(
    Effect.timeoutFail({
      duration: options.timeout,
      onTimeout: () =>
        new DownloadUnavailable({
          message: `the file from ${host} did not arrive within ${Duration.format(Duration.decode(options.timeout))}`
        })
    })
  )
}
