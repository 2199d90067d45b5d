import { Chunk, Config, Context, Duration, Effect, Layer, Queue } from "effect"
import { rebuildPreviews } from "./rebuildPreviews.js"

export interface PreviewRebuildsService {
  /**
   * Asks for the previews to be rebuilt in the background and returns at once. Asks that come
   * while a rebuild runs are served together by one more run (forced if any of them was).
   */
  readonly request: (options: { readonly force: boolean }) => Effect.Effect<void>
}

/**
 * WhatsApp forgets uploaded media after 30 days, so previews are uploaded again well before;
 * the clock starts with the process.
 */
const refreshInterval = Config.duration("PREVIEW_REFRESH_INTERVAL").pipe(
  Config.withDefault(Duration.days(7)),
  Config.validate({
    message: "PREVIEW_REFRESH_INTERVAL must be under 30 days (WhatsApp keeps uploaded media 30 days)",
    validation: (interval) => Duration.lessThan(interval, Duration.days(30)) && Duration.greaterThan(interval, Duration.zero)
  })
)

const make = (refreshEvery: Duration.Duration) =>
  Effect.gen(function* () {
    const asks = yield* Queue.unbounded<boolean>()
    const runOnce = (force: boolean) =>
      rebuildPreviews({ force }).pipe(
        Effect.tap((report) =>
          Effect.logInfo("Pack previews rebuilt", {
            forced: force,
            uploaded: report.uploaded,
            kept: report.kept,
            failed: report.failed.length
          })
        ),
        Effect.catchAllCause((cause) => Effect.logWarning("Pack previews not rebuilt; the next ask will try again", cause))
      )
    // One worker for the life of the scope (the server's, not a request's): runs never overlap.
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.gen(function* () {
          const first = yield* Queue.take(asks)
          const more = yield* Queue.takeAll(asks)
          yield* runOnce(first || Chunk.some(more, (force) => force))
        })
      )
    )
    yield* Effect.forkScoped(Effect.forever(Effect.delay(Queue.offer(asks, true), refreshEvery)))
    const service: PreviewRebuildsService = { request: ({ force }) => Effect.asVoid(Queue.offer(asks, force)) }
    return service
  })

/** Pack previews rebuilt in the background, one run at a time, on request and every few days. */
export class PreviewRebuilds extends Context.Tag("whatsapp-astria-bot/PreviewRebuilds")<
  PreviewRebuilds,
  PreviewRebuildsService
>() {
  static readonly layer = Layer.scoped(this, Effect.flatMap(refreshInterval, make))
}
