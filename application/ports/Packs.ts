import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import { PackId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/** A pack synced from Astria's catalogue, matched to one of our tiers by its slug. */
export class PackRecord extends Schema.Class<PackRecord>("PackRecord")({
  id: PackId,
  slug: Schema.String,
  title: Schema.String,
  tier: Schema.String,
  coverUrl: Schema.OptionFromNullOr(Schema.String),
  /** Sample image URLs per class (man, woman, ...), for previews. */
  samples: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }),
  /** WhatsApp media ids of the rendered previews per class, uploaded once. */
  previews: Schema.Record({ key: Schema.String, value: Schema.String }),
  /**
   * When each preview was uploaded, per class: WhatsApp forgets uploaded media after 30 days. A
   * preview without one was uploaded before the times were kept.
   */
  previewUploadedAt: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Date }), {
    default: () => ({})
  }),
  syncedAt: Schema.DateFromSelf
}) {}

export class Packs extends Context.Tag("whatsapp-astria-bot/Packs")<
  Packs,
  {
    /** Replaces the catalogue with what Astria lists now, keeping previews of packs that stay. */
    readonly sync: (packs: ReadonlyArray<PackRecord>) => Effect.Effect<void, StorageUnavailable>
    readonly list: Effect.Effect<ReadonlyArray<PackRecord>, StorageUnavailable>
    readonly listForTier: (tier: string) => Effect.Effect<ReadonlyArray<PackRecord>, StorageUnavailable>
    readonly get: (id: PackId) => Effect.Effect<Option.Option<PackRecord>, StorageUnavailable>
    /** Keeps a preview's media id and when it was uploaded. */
    readonly setPreview: (
      id: PackId,
      className: string,
      mediaId: string,
      uploadedAt: Date
    ) => Effect.Effect<void, StorageUnavailable>
  }
>() {}
