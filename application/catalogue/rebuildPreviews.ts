import { Clock, Effect, Either, Ref } from "effect"
import type { Duration } from "effect"
import type { PackId } from "../../domain/ids.js"
import { ImageFetcher } from "../ports/ImageFetcher.js"
import { Messenger } from "../ports/Messenger.js"
import { Packs } from "../ports/Packs.js"
import { PreviewRenderer } from "../ports/PreviewRenderer.js"
import { previewOlderThan, previewRefreshInterval } from "./previewLifetime.js"

/** One preview: a pack's contact sheet for one class. */
export interface PreviewTarget {
  readonly packId: PackId
  readonly title: string
  readonly className: string
}

/** After each preview, for a progress bar: `done` of `total`, and what became of this one. */
export interface PreviewProgress extends PreviewTarget {
  readonly done: number
  readonly total: number
  readonly outcome: "uploaded" | "kept" | "failed"
  /** Why it failed. */
  readonly reason?: string
}

export interface PreviewRebuildReport {
  readonly uploaded: number
  /** Previews uploaded recently enough, left as they were (not forced). */
  readonly kept: number
  readonly failed: ReadonlyArray<PreviewTarget & { readonly reason: string }>
}

export interface RebuildPreviewsOptions {
  /** Render and upload again every preview, however recent. */
  readonly force: boolean
  /**
   * A preview uploaded this long ago (or at an unknown time) is uploaded again, before WhatsApp
   * forgets it; by default `PREVIEW_REFRESH_INTERVAL`.
   */
  readonly renewOlderThan?: Duration.Duration
  readonly onProgress?: (progress: PreviewProgress) => Effect.Effect<void>
}

/** Sheets rendered at once: sharp works the CPU, and the bot answers people meanwhile. */
const sheetsAtOnce = 2
const downloadsAtOnce = 4

/**
 * Renders a preview from its sample images and uploads it to WhatsApp: answers the media id, or
 * why there is none (a string: it only goes to logs and reports). Images that cannot be
 * downloaded are left out of the sheet.
 */
export const uploadPreview = (target: PreviewTarget, urls: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const fetcher = yield* ImageFetcher
    const renderer = yield* PreviewRenderer
    const messenger = yield* Messenger
    const downloads = yield* Effect.forEach(urls, (url) => Effect.either(fetcher.fetch(url)), {
      concurrency: downloadsAtOnce
    })
    const images = downloads.flatMap((download) => (Either.isRight(download) ? [download.right] : []))
    const firstFailure = downloads.find(Either.isLeft)
    if (images.length === 0) {
      return yield* Effect.fail(
        `no sample image could be downloaded${firstFailure === undefined ? "" : `: ${firstFailure.left.message}`}`
      )
    }
    const sheet = yield* renderer
      .renderContactSheet({ title: target.title, images })
      .pipe(Effect.mapError((error) => `render: ${error.reason}`))
    return yield* messenger.uploadMedia(sheet.jpeg, "image/jpeg").pipe(Effect.mapError((error) => `upload: ${error.message}`))
  })

/**
 * Renders each pack's preview per class (a contact sheet of its sample images under its title),
 * uploads it to WhatsApp and keeps the media id with its upload time, so that people choosing a
 * pack see the styles for someone like them. A preview is uploaded again once it is
 * `renewOlderThan` old, well before WhatsApp forgets it. A preview that cannot be made is
 * reported and left to the next run (the pack's cover, or its last upload, is shown meanwhile);
 * only the database being down stops the run.
 */
export const rebuildPreviews = (options: RebuildPreviewsOptions) =>
  Effect.gen(function* () {
    const packs = yield* Packs
    const renewOlderThan = options.renewOlderThan ?? (yield* previewRefreshInterval)
    const now = yield* Clock.currentTimeMillis

    const catalogue = yield* packs.list
    const targets = catalogue.flatMap((pack) =>
      Object.entries(pack.samples)
        .filter(([, urls]) => urls.length > 0)
        .map(([className, urls]) => ({
          target: { packId: pack.id, title: pack.title, className },
          urls,
          fresh:
            pack.previews[className] !== undefined && !previewOlderThan(pack, className, now, renewOlderThan)
        }))
    )
    const done = yield* Ref.make(0)
    const report = (progress: Omit<PreviewProgress, "done" | "total">) =>
      Effect.flatMap(Ref.updateAndGet(done, (n) => n + 1), (n) =>
        options.onProgress === undefined ? Effect.void : options.onProgress({ ...progress, done: n, total: targets.length })
      )

    const failed = yield* Effect.forEach(
      targets,
      ({ fresh, target, urls }) =>
        Effect.gen(function* () {
          if (fresh && !options.force) {
            yield* report({ ...target, outcome: "kept" })
            return []
          }
          const made = yield* Effect.either(uploadPreview(target, urls))
          if (Either.isLeft(made)) {
            yield* Effect.logWarning("Pack preview not made; the cover is shown meanwhile", { ...target, reason: made.left })
            yield* report({ ...target, outcome: "failed", reason: made.left })
            return [{ ...target, reason: made.left }]
          }
          yield* packs.setPreview(target.packId, target.className, made.right, new Date(yield* Clock.currentTimeMillis))
          yield* report({ ...target, outcome: "uploaded" })
          return []
        }),
      { concurrency: sheetsAtOnce }
    ).pipe(Effect.map((results) => results.flat()))

    const kept = options.force ? 0 : targets.filter((t) => t.fresh).length
    const result: PreviewRebuildReport = { uploaded: targets.length - kept - failed.length, kept, failed }
    return result
  })
