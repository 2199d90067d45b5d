import { Chunk, Context, Effect, Layer, Queue } from "effect"
import type { Duration } from "effect"
import { previewRefreshInterval } from "./previewLifetime.js"
import { rebuildPreviews } from "./rebuildPreviews.js"

export interface PreviewRebuildsService {
  /**
   * Asks for the previews to be rebuilt in the background and returns at once. Asks that come
   * while a rebuild runs are served together by one more run (forced if any of them was).
   */
  readonly request: (options: { readonly force: boolean }) => Effect.Effect<void>
}

const make = (refreshEvery: Duration.Duration) =>
  Effect.gen(function* () {
    const asks = yield* Queue.unbounded<boolean>()
    const runOnce = (force: boolean) =>
      rebuildPreviews({ force, renewOlderThan: refreshEvery }).pipe(
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
    // Previews are uploaded again by their stored age, so a restart does not reset the clock.
    yield* Effect.forkScoped(Effect.forever(Effect.delay(Queue.offer(asks, false), refreshEvery)))
    const service: PreviewRebuildsService = { request: ({ force }) => Effect.asVoid(Queue.offer(asks, force)) }
    return service
  })

/**
 * Pack previews rebuilt in the background, one run at a time, on request and every
 * `PREVIEW_REFRESH_INTERVAL`; each run uploads again the previews that old (WhatsApp keeps
 * uploaded media 30 days).
 */
export class PreviewRebuilds extends Context.Tag("whatsapp-astria-bot/PreviewRebuilds")<
  PreviewRebuilds,
  PreviewRebuildsService
>() {
  static readonly layer = Layer.scoped(this, Effect.flatMap(previewRefreshInterval, make))
}
