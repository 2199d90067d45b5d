import type { Effect, Option } from "effect"
import { Context, Schema } from "effect"
import type { OrderId } from "../../domain/ids.js"
import { PackId, TuneId } from "../../domain/ids.js"
import type { PhotoInspection } from "../../domain/photos/Inspection.js"

/**
 * The Astria port: what the bot needs from Astria, in the bot's words. Vendor shapes live in
 * contracts/astria; adapters translate.
 */

/** Astria's numeric id of a prompt (one rendering job of a tune). */
export const PromptId = Schema.Int.pipe(Schema.brand("AstriaPromptId"))
export type PromptId = typeof PromptId.Type

/** Where a tune is in its life. Astria has no status field; adapters derive it from timestamps. */
export const TrainingStatus = Schema.Literal("queued", "training", "trained")
export type TrainingStatus = typeof TrainingStatus.Type

export class AstriaTune extends Schema.Class<AstriaTune>("AstriaTune")({
  id: TuneId,
  /** Our order id for pack tunes created by the bot. */
  title: Schema.String,
  /** The class the model was trained as (man, woman, ...). */
  className: Schema.String,
  status: TrainingStatus,
  /** When Astria expects training to finish. */
  eta: Schema.OptionFromNullOr(Schema.Date),
  trainedAt: Schema.OptionFromNullOr(Schema.Date),
  /** Astria deletes everything 30 days after training. */
  expiresAt: Schema.OptionFromNullOr(Schema.Date)
}) {}

/** What a create answers: enough to tell the person when to expect their images. */
export class CreatedTune extends Schema.Class<CreatedTune>("CreatedTune")({
  id: TuneId,
  eta: Schema.OptionFromNullOr(Schema.Date)
}) {}

export class GeneratedPrompt extends Schema.Class<GeneratedPrompt>("GeneratedPrompt")({
  id: PromptId,
  text: Schema.String,
  /** Image URLs; often without an extension, so sniff the bytes before sending. */
  images: Schema.Array(Schema.String),
  /** Finished: images are there, or Astria marked it done (possibly with an error). */
  done: Schema.Boolean,
  error: Schema.OptionFromNullOr(Schema.String)
}) {}

/** Where a pack is: the account's own (`GET /packs`) or Astria's public gallery (`GET /gallery/packs`). */
export const PackOrigin = Schema.Literal("account", "gallery")
export type PackOrigin = typeof PackOrigin.Type

export class PackSummary extends Schema.Class<PackSummary>("PackSummary")({
  id: PackId,
  origin: PackOrigin,
  slug: Schema.String,
  title: Schema.String,
  coverUrl: Schema.OptionFromNullOr(Schema.String)
}) {}

/** What one class (man, woman, ...) gets from a pack. */
export const PackOffer = Schema.Struct({
  /** Astria's cost, apparently in cents; our price comes from the tier configuration. */
  costCents: Schema.Number,
  imageCount: Schema.Int
})
export type PackOffer = typeof PackOffer.Type

export const PackSample = Schema.Struct({
  promptId: PromptId,
  images: Schema.Array(Schema.String)
})
export type PackSample = typeof PackSample.Type

export class PackDetail extends Schema.Class<PackDetail>("PackDetail")({
  id: PackId,
  slug: Schema.String,
  title: Schema.String,
  coverUrl: Schema.OptionFromNullOr(Schema.String),
  offers: Schema.Record({ key: Schema.String, value: PackOffer }),
  /** Sample prompts per class, for previews (a contact sheet of their first images). */
  samples: Schema.Record({ key: Schema.String, value: Schema.Array(PackSample) })
}) {}

/**
 * What a callback (or the reconciler, when the callback was lost) tells us about an order.
 * Correlate by the order id in our own callback URL, never by ids inside the body. Astria posts a
 * tune only once it has trained; `tune.status` still says so, and is worth checking. Prompts that
 * are not `done` carry no images yet. Apply updates idempotently by prompt id: the same prompt can
 * arrive by callback, by a repeated callback and by the reconciler.
 */
export const AstriaUpdate = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("tune-trained"), tune: AstriaTune }),
  Schema.Struct({
    kind: Schema.Literal("prompts-ready"),
    prompts: Schema.Array(GeneratedPrompt),
    /** These are every prompt of the tune: the pack's `prompts_callback`, or the reconciler's listing. */
    allPrompts: Schema.optional(Schema.Boolean)
  })
)
export type AstriaUpdate = typeof AstriaUpdate.Type

/** One photo as stored: the bytes themselves, since Astria cannot reach our database. */
export interface PhotoUpload {
  readonly bytes: Uint8Array
  readonly contentType: string
  readonly fileName: string
}

/** Train from new photos, or reuse models the person already has (`tune_ids[]`). */
export type TuneSource =
  | { readonly _tag: "Photos"; readonly photos: ReadonlyArray<PhotoUpload> }
  | { readonly _tag: "SavedTunes"; readonly tuneIds: ReadonlyArray<TuneId> }

export const TuneSource = {
  photos: (photos: ReadonlyArray<PhotoUpload>): TuneSource => ({ _tag: "Photos", photos }),
  savedTunes: (tuneIds: ReadonlyArray<TuneId>): TuneSource => ({ _tag: "SavedTunes", tuneIds })
}

export interface PackTuneRequest {
  /** Also the tune's title on Astria: the key that makes a retried create find the first one. */
  readonly orderId: OrderId
  readonly packId: PackId
  readonly className: string
  readonly characteristics: Readonly<Record<string, string>>
  readonly source: TuneSource
  readonly callbacks: {
    /** Called once the tune has trained. */
    readonly tune: string
    /** Called once, with every prompt, when the pack's images are all ready. */
    readonly prompts: string
  }
}

/**
 * 400 or 422: Astria refused the request as invalid (docs/api/0-overview.md: "Do not retry").
 * Permanent for that request: only a changed request (or an operator) can help.
 */
export class AstriaValidationError extends Schema.TaggedError<AstriaValidationError>()("AstriaValidationError", {
  status: Schema.optionalWith(Schema.Literal(400, 422), { default: () => 422 }),
  /** The body exactly as Astria sent it. */
  raw: Schema.String,
  /** One line per problem: `field: message`, or Astria's `error` as is. */
  messages: Schema.Array(Schema.String),
  /** The refused fields and their messages when Astria named them (`{"tune_ids": ["not found"]}`). */
  fields: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }), {
    default: () => ({})
  })
}) {
  override get message(): string {
    return `Astria refused the request (${this.status}): ${this.messages.join("; ")}`
  }
}

/**
 * 402: the Astria account is out of credits. Permanent for the request until someone tops the
 * account up, and urgent: every paid order stops until then.
 */
export class AstriaOutOfCredits extends Schema.TaggedError<AstriaOutOfCredits>()("AstriaOutOfCredits", {
  /** The body exactly as Astria sent it. */
  raw: Schema.String
}) {
  override get message(): string {
    return "The Astria account is out of credits (402); top it up to go on"
  }
}

/** 429. */
export class AstriaRateLimited extends Schema.TaggedError<AstriaRateLimited>()("AstriaRateLimited", {
  message: Schema.String
}) {}

/** 5xx other than 504, or no answer at all. */
export class AstriaUnavailable extends Schema.TaggedError<AstriaUnavailable>()("AstriaUnavailable", {
  status: Schema.OptionFromNullOr(Schema.Int),
  message: Schema.String
}) {}

/** 504 or our own deadline: the request may well have gone through. */
export class AstriaTimeout extends Schema.TaggedError<AstriaTimeout>()("AstriaTimeout", {
  message: Schema.String
}) {}

export class AstriaNotFound extends Schema.TaggedError<AstriaNotFound>()("AstriaNotFound", {
  resource: Schema.String,
  id: Schema.String
}) {
  override get message(): string {
    return `Astria has no ${this.resource} ${this.id}`
  }
}

/** 401/403: the API key is missing, wrong or revoked. */
export class AstriaUnauthorized extends Schema.TaggedError<AstriaUnauthorized>()("AstriaUnauthorized", {
  message: Schema.String
}) {}

/** Astria answered something we could not decode. */
export class AstriaProtocolError extends Schema.TaggedError<AstriaProtocolError>()("AstriaProtocolError", {
  message: Schema.String
}) {}

export type AstriaError =
  | AstriaValidationError
  | AstriaOutOfCredits
  | AstriaRateLimited
  | AstriaUnavailable
  | AstriaTimeout
  | AstriaNotFound
  | AstriaUnauthorized
  | AstriaProtocolError

export interface AstriaService {
  /** Astria's view of one photo, checked against the class we expect. */
  readonly inspectPhoto: (photo: PhotoUpload, expectedClass: string) => Effect.Effect<PhotoInspection, AstriaError>
  /**
   * Creates the pack tune of a paid order, at most once per order id even across retries and
   * timeouts: before any retry the tune is looked up by its title.
   */
  readonly createPackTune: (request: PackTuneRequest) => Effect.Effect<CreatedTune, AstriaError>
  readonly findTuneByTitle: (title: OrderId) => Effect.Effect<Option.Option<AstriaTune>, AstriaError>
  readonly getTune: (id: TuneId) => Effect.Effect<AstriaTune, AstriaError>
  readonly listPrompts: (tuneId: TuneId) => Effect.Effect<ReadonlyArray<GeneratedPrompt>, AstriaError>
  readonly getPrompt: (tuneId: TuneId, promptId: PromptId) => Effect.Effect<GeneratedPrompt, AstriaError>
  /** After a 4-5 star rating. */
  readonly likePrompt: (promptId: PromptId) => Effect.Effect<void, AstriaError>
  /** The packs a tier may sell: the account's listed packs, then the public gallery's (docs/api/2-pack/1-list.md). */
  readonly listPacks: Effect.Effect<ReadonlyArray<PackSummary>, AstriaError>
  readonly getPack: (id: PackId) => Effect.Effect<PackDetail, AstriaError>
  /** Idempotent: deleting a tune that is already gone succeeds. */
  readonly deleteTune: (id: TuneId) => Effect.Effect<void, AstriaError>
}

export class Astria extends Context.Tag("whatsapp-astria-bot/Astria")<Astria, AstriaService>() {}
