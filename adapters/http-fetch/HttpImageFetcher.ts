import { HttpClient } from "@effect/platform"
import { Config, type ConfigError, Duration, Effect, Layer, Schedule } from "effect"
import { ImageFetcher, ImageRefused, ImageUnavailable, type ImageFetchError } from "../../application/ports/ImageFetcher.js"
import { boundedDownload } from "./boundedDownload.js"

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

export const makeHttpImageFetcher = (config: ImageFetcherConfig) =>
  Effect.map(HttpClient.HttpClient, (client) =>
    ImageFetcher.of({
      fetch: (link) =>
        boundedDownload(link, { timeout: config.timeout, maxBytes: config.maxBytes }).pipe(
          Effect.retry({
            while: (error) => error._tag === "DownloadUnavailable",
            schedule: Schedule.exponential("250 millis"),
            times: config.retries
          }),
          Effect.mapError(
            (error): ImageFetchError =>
              error._tag === "DownloadUnavailable"
                ? new ImageUnavailable({ message: error.message })
                : new ImageRefused({ message: error.message })
          ),
          Effect.provideService(HttpClient.HttpClient, client)
        )
    })
  )

/** Downloads over whatever HttpClient is provided, configured from the environment. */
export const HttpImageFetcherLive: Layer.Layer<ImageFetcher, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.effect(
  ImageFetcher,
  Effect.flatMap(ImageFetcherConfig, makeHttpImageFetcher)
)

export const httpImageFetcherLayer = (config: ImageFetcherConfig): Layer.Layer<ImageFetcher, never, HttpClient.HttpClient> =>
  Layer.effect(ImageFetcher, makeHttpImageFetcher(config))
