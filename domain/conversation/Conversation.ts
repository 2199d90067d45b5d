import { Schema } from "effect"
import { defaultLanguage, Language } from "../catalogue/Language.js"
import type { Language as LanguageCode } from "../catalogue/Language.js"
import { OrderId, PackId, TuneId } from "../ids.js"
import { InspectionVotes, noVotes } from "../photos/Votes.js"
import { Quote } from "../pricing/Quote.js"
import { TierName } from "../pricing/Tier.js"
import { OrderStatus } from "../orders/OrderStatus.js"

/** Where a person is in the journey (names kept from the original bot). */
export const Stage = Schema.Literal("New", "PicturesLoaded", "TuneReady", "WritingFeedback")
export type Stage = typeof Stage.Type

/** What a pack tune is trained from: the stored photos, or models trained before (`tune_ids[]`). */
export const TuneSource = Schema.Union(
  Schema.TaggedStruct("Photos", {}),
  Schema.TaggedStruct("SavedTunes", { tuneIds: Schema.NonEmptyArray(TuneId) })
)
export type TuneSource = typeof TuneSource.Type

/**
 * An order's status as stored in a conversation. Conversations stored before the one status model
 * said `Failed` for a training Astria reported failed: that order needs attention now.
 */
const StoredOrderStatus = Schema.Union(
  OrderStatus,
  Schema.transform(Schema.Literal("Failed"), Schema.Literal("NeedsAttention"), {
    strict: true,
    decode: () => "NeedsAttention" as const,
    encode: () => "Failed" as const
  })
)

/** An order, with everything its tune needs fixed when it was placed, so a payment alone starts it. */
export const Order = Schema.Struct({
  id: OrderId,
  packId: PackId,
  packTitle: Schema.String,
  quote: Quote,
  personClass: Schema.String,
  characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
  source: TuneSource,
  status: StoredOrderStatus,
  tuneId: Schema.optional(TuneId),
  rating: Schema.optional(Schema.Int.pipe(Schema.between(1, 5)))
})
export type Order = typeof Order.Type

/**
 * One person's conversation: the decider's whole state. A Schema, so the application can store it
 * as JSON and decode it back.
 */
export const Conversation = Schema.Struct({
  stage: Stage,
  language: Language,
  /** Whether the welcome was shown since the first contact (or since the data was erased). */
  welcomed: Schema.Boolean,
  acceptedPhotos: Schema.NonNegativeInt,
  /** "That's enough photos" is said once per collection of photos, however many keep arriving. */
  enoughPhotosSaid: Schema.Boolean,
  /** Photos of this collection sent to be checked (conversations stored before counting start at 0). */
  photosChecked: Schema.optionalWith(Schema.NonNegativeInt, { default: () => 0 }),
  /** Past the cap, the person is told once. */
  photoLimitSaid: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  votes: InspectionVotes,
  /** The class picked with the buttons when no inspection told us. */
  chosenClass: Schema.optional(Schema.String),
  chosenPack: Schema.optional(PackId),
  chosenTier: Schema.optional(TierName),
  /** The saved model a new pack will be trained from, when the person chose one. */
  reuseTuneId: Schema.optional(TuneId),
  termsAgreed: Schema.Boolean,
  /**
   * The person agreed, with the consent button, that their photos are kept and checked (the time
   * is recorded on the user). Conversations stored before consent was asked start without it.
   */
  photoConsent: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** A photo sent before agreeing was answered with the consent question; the rest of that burst is not. */
  consentAsked: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  deletionRequested: Schema.Boolean,
  orders: Schema.Array(Order)
})
export type Conversation = typeof Conversation.Type

export const newConversation = (language: LanguageCode = defaultLanguage): Conversation => ({
  stage: "New",
  language,
  welcomed: false,
  acceptedPhotos: 0,
  enoughPhotosSaid: false,
  photosChecked: 0,
  photoLimitSaid: false,
  votes: noVotes,
  termsAgreed: false,
  photoConsent: false,
  consentAsked: false,
  deletionRequested: false,
  orders: []
})

/**
 * Whether the person's photos may be kept and checked. The terms agreed before a payment (which
 * people who ordered before consent was asked, imported customers of the original bot included,
 * accepted) say how photos are used and that they are of the person: that agreement counts.
 * Anyone else, even with photos already stored, is asked before another photo is kept.
 */
export const hasPhotoConsent = (conversation: Conversation): boolean =>
  conversation.photoConsent || conversation.termsAgreed

/** The photo collection starts over: nothing accepted, nothing voted, nothing said. */
export const withoutPhotos = (conversation: Conversation): Conversation => ({
  ...conversation,
  acceptedPhotos: 0,
  enoughPhotosSaid: false,
  photosChecked: 0,
  photoLimitSaid: false,
  votes: noVotes,
  chosenClass: undefined
})
