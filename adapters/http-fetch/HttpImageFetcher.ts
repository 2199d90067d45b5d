import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Chunk, Config, type ConfigError, Duration, Effect, Layer, Option, Schedule, Stream } from "effect"
import { ImageFetcher, ImageRefused, ImageUnavailable, type ImageFetchError } from "../../application/ports/ImageFetcher.js"

export interface ImageFetcherConfig {
  /** For one download, body included; retries of transient failures get their own. */
  readonly timeout: Duration.Duration
  /** Bodies beyond this many bytes are refused while reading, whatever Content-Length says. */
  readonly maxBytes: number
  /** Further attempts after a transient failure (network, timeout, 5xx, 408, 425, 429). */
  readonly retries: number
}

export const ImageFetcherConfig: Config.Config<ImageFetcherConfig> = Config.all({
  timeout: Config.duration("IMAGE_FETCH_TIMEOUT").pipe(Config.withDefault(Duration.seconds(20))),
  maxBytes: Config.integer("IMAGE_FETCH_MAX_BYTES").pipe(
    Config.withDefault(15 * 1024 * 1024),
    Config.validate({ message: "IMAGE_FETCH_MAX_BYTES must be a positive integer", validation: (n) => n > 0 })
  ),
  retries: Config.succeed(2)
})

const isTransientStatus = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429

const concat = (chunks: Chunk.Chunk<Uint8Array>): Uint8Array => {
  const bytes = new Uint8Array(Chunk.reduce(chunks, 0, (total, chunk) => total + chunk.length))
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

export const makeHttpImageFetcher = (config: ImageFetcherConfig) =>
  Effect.map(HttpClient.HttpClient, (client) => {
    const once = (url: URL) => {
      // Only the host goes into errors: they end up in logs, and links may carry signed queries.
      const host = url.host
      const tooLarge = new ImageRefused({ message: `the image at ${host} is larger than ${config.maxBytes} bytes` })
      return Effect.gen(function* () {
        const response = yield* client.execute(HttpClientRequest.get(url)).pipe(
          Effect.catchTag("RequestError", (error) =>
            Effect.fail<ImageFetchError>(
              error.reason === "Transport"
                ? new ImageUnavailable({ message: `${host} could not be reached` })
                : new ImageRefused({ message: `the image link to ${host} is invalid` })
            )
          ),
          Effect.catchTag("ResponseError", () => new ImageUnavailable({ message: `${host} answered unreadably` }))
        )
        if (response.status < 200 || response.status >= 300) {
          const message = `${host} answered HTTP ${response.status} for the image`
          return yield* Effect.fail<ImageFetchError>(
            isTransientStatus(response.status) ? new ImageUnavailable({ message }) : new ImageRefused({ message })
          )
        }
        const declared = Option.fromNullable(response.headers["content-length"]).pipe(
          Option.filter((length) => /^\d+$/.test(length)),
          Option.map(Number)
        )
        if (Option.exists(declared, (length) => length > config.maxBytes)) return yield* tooLarge
        const chunks = yield* response.stream.pipe(
          Stream.mapError(() => new ImageUnavailable({ message: `the download from ${host} broke off` })),
          Stream.mapAccumEffect(0, (received, chunk) => {
            const total = received + chunk.length
            return total > config.maxBytes ? Effect.fail(tooLarge) : Effect.succeed([total, chunk] as const)
          }),
          Stream.runCollect
        )
        const bytes = concat(chunks)
        if (bytes.length === 0) return yield* new ImageRefused({ message: `${host} answered an empty body for the image` })
        return bytes
      }).pipe(
        Effect.scoped,
        Effect.timeoutFail({
          duration: config.timeout,
          onTimeout: () =>
            new ImageUnavailable({ message: `the image from ${host} did not arrive within ${Duration.format(config.timeout)}` })
        })
      )
    }

    return ImageFetcher.of({
      fetch: (link) => {
        const url = URL.canParse(link) ? new URL(link) : undefined
        if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
          return Effect.fail(new ImageRefused({ message: "the image link is not an http(s) URL" }))
        }
        return once(url).pipe(
          Effect.retry({
            while: (error) => error._tag === "ImageUnavailable",
            schedule: Schedule.exponential("250 millis"),
            times: config.retries
          })
        )
      }
    })
  })

/** Downloads over whatever HttpClient is provided, configured from the environment. */
export const HttpImageFetcherLive: Layer.Layer<ImageFetcher, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.effect(
  ImageFetcher,
  Effect.flatMap(ImageFetcherConfig, makeHttpImageFetcher)
)

export const httpImageFetcherLayer = (config: ImageFetcherConfig): Layer.Layer<ImageFetcher, never, HttpClient.HttpClient> =>
  Layer.effect(ImageFetcher, makeHttpImageFetcher(config))
