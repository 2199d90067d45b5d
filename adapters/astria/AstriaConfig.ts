import type { Redacted } from "effect"
import { Config, Duration } from "effect"

/** Settings of the HTTP adapter. Delays are settings so tests can run the real retry logic fast. */
export interface AstriaHttpConfig {
  readonly apiUrl: string
  readonly apiKey: Redacted.Redacted<string>
  /** Astria's free `branch=fast`: mock images, callbacks still work. */
  readonly testMode: boolean
  /** First delay of the exponential backoff after a 429 or 5xx (Astria suggests about 30 s). */
  readonly retryBaseDelay: Duration.Duration
  readonly maxRetries: number
  /** After a 504 the request probably went through: wait this long, then look it up. */
  readonly timeoutWait: Duration.Duration
  /** Our own deadline per request; Astria's is 30 s. */
  readonly requestTimeout: Duration.Duration
  /** Pages of `GET /tunes` (120 each, newest first) searched for a tune by its title. */
  readonly lookupPages: number
}

/** Astria's free branch only when asked for by name: a missing setting never gives a customer mock images. */
const testMode = Config.boolean("ASTRIA_TEST_MODE").pipe(Config.withDefault(false))

export const AstriaHttpConfig: Config.Config<AstriaHttpConfig> = Config.all({
  apiUrl: Config.string("ASTRIA_API_URL").pipe(Config.withDefault("https://api.astria.ai")),
  apiKey: Config.redacted("ASTRIA_API_KEY"),
  testMode,
  retryBaseDelay: Config.duration("ASTRIA_RETRY_BASE_DELAY").pipe(Config.withDefault(Duration.seconds(30))),
  maxRetries: Config.integer("ASTRIA_MAX_RETRIES").pipe(
    Config.validate({ message: "must be between 0 and 20", validation: (n) => n >= 0 && n <= 20 }),
    Config.withDefault(5)
  ),
  timeoutWait: Config.duration("ASTRIA_TIMEOUT_WAIT").pipe(Config.withDefault(Duration.seconds(60))),
  requestTimeout: Config.duration("ASTRIA_REQUEST_TIMEOUT").pipe(Config.withDefault(Duration.seconds(90))),
  lookupPages: Config.integer("ASTRIA_LOOKUP_PAGES").pipe(
    Config.validate({ message: "must be at least 1", validation: (n) => n >= 1 }),
    Config.withDefault(5)
  )
})
