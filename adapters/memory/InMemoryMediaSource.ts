import { createHash } from "node:crypto"
import { Context, Effect, Layer, Ref } from "effect"
import {
  MediaIntegrityFailed,
  MediaNotFound,
  MediaSource,
  sha256Matches,
  type DownloadedMedia
} from "../../application/ports/MediaSource.js"

/**
 * WhatsApp's media store, in memory: what people "sent" (put by tests or the simulator) and what
 * the bot uploaded, by media id.
 */
export interface InMemoryMediaService {
  /** Stores bytes as WhatsApp would hold them; answers the media id (or keeps the one given). */
  readonly put: (bytes: Uint8Array, mimeType: string, mediaId?: string) => Effect.Effect<string>
  /** Forgets a media id, as WhatsApp does after 7 days (30 for uploads). */
  readonly remove: (mediaId: string) => Effect.Effect<void>
  readonly get: (mediaId: string) => Effect.Effect<DownloadedMedia | undefined>
}

export class InMemoryMedia extends Context.Tag("whatsapp-astria-bot/InMemoryMedia")<InMemoryMedia, InMemoryMediaService>() {}

const hexSha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

export const makeInMemoryMedia: Effect.Effect<InMemoryMediaService> = Effect.gen(function* () {
  const store = yield* Ref.make(new Map<string, DownloadedMedia>())
  const counter = yield* Ref.make(0)
  return {
    put: (bytes, mimeType, mediaId) =>
      Effect.gen(function* () {
        const id = mediaId ?? `${1_000_000_000_000 + (yield* Ref.updateAndGet(counter, (n) => n + 1))}`
        const media: DownloadedMedia = { bytes: Uint8Array.from(bytes), mimeType, sha256: hexSha256(bytes) }
        yield* Ref.update(store, (map) => new Map(map).set(id, media))
        return id
      }),
    remove: (mediaId) =>
      Ref.update(store, (map) => {
        const next = new Map(map)
        next.delete(mediaId)
        return next
      }),
    get: (mediaId) => Effect.map(Ref.get(store), (map) => map.get(mediaId))
  }
})

export const InMemoryMediaLive: Layer.Layer<InMemoryMedia> = Layer.effect(InMemoryMedia, makeInMemoryMedia)

/** The MediaSource port over the in-memory store, with the real adapter's integrity check. */
export const InMemoryMediaSourceLive: Layer.Layer<MediaSource, never, InMemoryMedia> = Layer.effect(
  MediaSource,
  Effect.map(InMemoryMedia, (store) =>
    MediaSource.of({
      download: (mediaId, options) =>
        Effect.gen(function* () {
          const media = yield* store.get(mediaId)
          if (media === undefined) return yield* Effect.fail(new MediaNotFound({ mediaId }))
          const expected = options?.expectedSha256
          if (expected !== undefined && !sha256Matches(expected, media.sha256)) {
            return yield* Effect.fail(new MediaIntegrityFailed({ mediaId, expected, actual: media.sha256 }))
          }
          return { bytes: Uint8Array.from(media.bytes), mimeType: media.mimeType, sha256: media.sha256 }
        })
    })
  )
)
