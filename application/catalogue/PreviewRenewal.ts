import { Clock, Context, Deferred, Effect, Layer, Option } from "effect"
import type { ImageFetcher } from "../ports/ImageFetcher.js"
import type { Messenger } from "../ports/Messenger.js"
import { Packs, type PackRecord } from "../ports/Packs.js"
import type { PreviewRenderer } from "../ports/PreviewRenderer.js"
import { previewOlderThan, previewUsableFor } from "./previewLifetime.js"
import { uploadPreview } from "./rebuildPreviews.js"

export interface PreviewRenewalService {
  /**
   * The media id to send for this one: a pack preview uploaded too long ago for WhatsApp to still
   * hold it is uploaded again first. Any other id, or a preview that cannot be renewed now, is
   * answered as it is (the send then tells).
   */
  readonly usable: (mediaId: string) => Effect.Effect<string>
  /**
   * WhatsApp refused this media id: when it is a pack preview, it is uploaded again and the new
   * id answered; none when it is no preview or cannot be made.
   */
  readonly renew: (mediaId: string) => Effect.Effect<Option.Option<string>>
}

interface Found {
  readonly pack: PackRecord
  readonly className: string
}

const findPreview = (catalogue: ReadonlyArray<PackRecord>, mediaId: string): Option.Option<Found> => {
  for (const pack of catalogue) {
    for (const [className, id] of Object.entries(pack.previews)) {
      if (id === mediaId) return Option.some({ pack, className })
    }
  }
  return Option.none()
}

const make = Effect.gen(function* () {
  const context = yield* Effect.context<Packs | ImageFetcher | PreviewRenderer | Messenger>()
  const packs = Context.get(context, Packs)
  /**
   * Renewals by the id they replace, for the life of the process: a burst of messages holding
   * the same forgotten id (everyone shown the packs after a restart) makes one upload, and the
   * messages queued with the old id find the new one after the pack's record has moved on.
   */
  const renewals = new Map<string, Deferred.Deferred<Option.Option<string>>>()

  const upload = (found: Found, mediaId: string) =>
    Effect.gen(function* () {
      const { className, pack } = found
      const target = { packId: pack.id, title: pack.title, className }
      const uploaded = yield* Effect.either(uploadPreview(target, pack.samples[className] ?? []))
      if (uploaded._tag === "Left") {
        yield* Effect.logWarning("A pack preview WhatsApp no longer holds could not be uploaded again", {
          ...target,
          mediaId,
          reason: uploaded.left
        })
        return Option.none<string>()
      }
      yield* packs.setPreview(pack.id, className, uploaded.right, new Date(yield* Clock.currentTimeMillis))
      yield* Effect.logInfo("Pack preview uploaded again", { ...target, was: mediaId, now: uploaded.right })
      return Option.some(uploaded.right)
    }).pipe(
      Effect.catchAll((error) =>
        Effect.as(Effect.logWarning("A renewed pack preview could not be stored", { mediaId, reason: error.reason }), Option.none<string>())
      ),
      Effect.provide(context)
    )

  /** One renewal per id at a time; a renewal that failed may be tried by a later message. */
  const renewOnce = (mediaId: string, found: (catalogue: ReadonlyArray<PackRecord>) => Option.Option<Found>) =>
    Effect.gen(function* () {
      const known = renewals.get(mediaId)
      if (known !== undefined) return yield* Deferred.await(known)
      const mine = yield* Deferred.make<Option.Option<string>>()
      renewals.set(mediaId, mine)
      const catalogue = yield* Effect.orElseSucceed(packs.list, () => [])
      const result = yield* Option.match(found(catalogue), {
        onNone: () => Effect.succeed(Option.none<string>()),
        onSome: (preview) => upload(preview, mediaId)
      })
      if (Option.isNone(result)) renewals.delete(mediaId)
      yield* Deferred.succeed(mine, result)
      return result
    }).pipe(Effect.uninterruptible)

  const service: PreviewRenewalService = {
    usable: (mediaId) =>
      Effect.gen(function* () {
        const known = renewals.get(mediaId)
        if (known !== undefined) return Option.getOrElse(yield* Deferred.await(known), () => mediaId)
        const catalogue = yield* Effect.orElseSucceed(packs.list, () => [])
        const now = yield* Clock.currentTimeMillis
        const stale = Option.filter(findPreview(catalogue, mediaId), ({ className, pack }) =>
          // An unknown upload time is tried as it is, and renewed if refused.
          pack.previewUploadedAt[className] !== undefined && previewOlderThan(pack, className, now, previewUsableFor)
        )
        if (Option.isNone(stale)) return mediaId
        const renewed = yield* renewOnce(mediaId, () => stale)
        return Option.getOrElse(renewed, () => mediaId)
      }),
    renew: (mediaId) => renewOnce(mediaId, (catalogue) => findPreview(catalogue, mediaId))
  }
  return service
})

/**
 * Pack previews uploaded again when WhatsApp has forgotten them (30 days after upload, or a
 * development fake restarted without its media), so that the outbound sender can send the same
 * picture under its new id instead of giving the message up.
 */
export class PreviewRenewal extends Context.Tag("whatsapp-astria-bot/PreviewRenewal")<
  PreviewRenewal,
  PreviewRenewalService
>() {
  static readonly layer = Layer.effect(this, make)
}
