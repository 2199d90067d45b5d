import type { DateTime } from "effect"
import type { OrderId, PackId, TuneId } from "../ids.js"
import type { MediaRef } from "../messages/OutgoingMessage.js"
import type { PricingSettings, TierName } from "../pricing/Tier.js"

/** A style pack on sale, from our packs table (Astria packs matched to tiers by slug). */
export interface PackOffer {
  readonly id: PackId
  readonly tier: TierName
  readonly title: string
  readonly imageCount: number
  readonly coverUrl?: string
  /**
   * WhatsApp media ids of the pack's previews (contact sheets of its sample images) by class
   * (man, woman, ...), for the classes rendered so far; a person sees their own class's.
   */
  readonly previews?: Readonly<Record<string, string>>
}

/** A model the person trained earlier, from our tunes table. */
export interface SavedModel {
  readonly tuneId: TuneId
  /** What the person will recognise it by (e.g. the pack it was trained for). */
  readonly label: string
  /** Astria's class of the tune (man, woman, ...), reused for the new pack. */
  readonly personClass: string
  readonly expiresAt: DateTime.Utc
}

/** A sample photo shipped with the project, shown by "Show me examples". */
export interface ExamplePhoto {
  readonly media: MediaRef
  readonly good: boolean
}

/** Settings from configuration; the same for every person. */
export interface ConversationSettings {
  /** How many accepted photos make enough. */
  readonly photoThreshold: number
  /**
   * How many photos of one collection are checked at most (each check may cost an Astria
   * inspection); `defaultPhotoLimit` when not given.
   */
  readonly photoLimit?: number
  readonly pricing: PricingSettings
  readonly examplePhotos: ReadonlyArray<ExamplePhoto>
}

/**
 * What the application reads before deciding, so that the decider needs no I/O, clock or
 * randomness: the packs on sale, the person's saved models, the time, and an id ready for an
 * order in case this decision creates one.
 */
export interface Snapshot {
  readonly now: DateTime.Utc
  readonly packs: ReadonlyArray<PackOffer>
  readonly savedModels: ReadonlyArray<SavedModel>
  readonly newOrderId: OrderId
}

export interface DecisionContext {
  readonly settings: ConversationSettings
  readonly snapshot: Snapshot
}
