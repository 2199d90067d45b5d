import { Context, Schema } from "effect"
import type { Effect, Option } from "effect"
import { UserId } from "../../domain/ids.js"
import type { StorageUnavailable } from "./StorageUnavailable.js"

/**
 * How Meta names a person: the phone number (`wa_id`), and since 2026 a business-scoped user id
 * (BSUID) that stays when the number is hidden behind a username. Either may be missing.
 */
export interface UserIdentity {
  readonly waId: Option.Option<string>
  readonly bsuid: Option.Option<string>
  readonly profileName: Option.Option<string>
}

export class UserRecord extends Schema.Class<UserRecord>("UserRecord")({
  id: UserId,
  waId: Schema.OptionFromNullOr(Schema.String),
  bsuid: Schema.OptionFromNullOr(Schema.String),
  profileName: Schema.OptionFromNullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  /** When the person agreed that their photos are kept and checked; none until they do. */
  photoConsentAt: Schema.OptionFromNullOr(Schema.DateFromSelf)
}) {}

export interface UserWithConversation {
  readonly user: UserRecord
  /** The conversation's serialized state, none before the first decision. */
  readonly conversation: Option.Option<unknown>
}

export interface ResolvedUser {
  readonly user: UserRecord
  readonly created: boolean
}

/** A user resolved and locked for a decision, with their conversation (none for one just created). */
export interface LockedUser extends ResolvedUser {
  readonly conversation: Option.Option<unknown>
  /**
   * Whether replies to them wait for their 24-hour window (`OutboundMessages.releaseHeld`), as of
   * the read; false only when none do.
   */
  readonly repliesHeld: boolean
}

export class Users extends Context.Tag("whatsapp-astria-bot/Users")<
  Users,
  {
    /**
     * Finds the user by either identity, or creates one with `newId`; adds an identity the record
     * lacks. Safe under concurrency: two first messages of one person make one user.
     */
    readonly resolve: (
      identity: UserIdentity,
      newId: UserId,
      now: Date
    ) => Effect.Effect<ResolvedUser, StorageUnavailable>
    readonly get: (id: UserId) => Effect.Effect<Option.Option<UserRecord>, StorageUnavailable>
    /** The user holding this WhatsApp number (`wa_id`, digits with the country code); creates nobody. */
    readonly findByWaId: (waId: string) => Effect.Effect<Option.Option<UserRecord>, StorageUnavailable>
    /** Records the person's consent to their photos being kept and checked; the first time stands. */
    readonly recordPhotoConsent: (id: UserId, at: Date) => Effect.Effect<void, StorageUnavailable>
    /** Follows a `user_changed_number` system message. */
    readonly changeNumber: (id: UserId, newWaId: string) => Effect.Effect<void, StorageUnavailable>
    /**
     * Takes the user's lock until the surrounding transaction ends, so one user's events are
     * handled one at a time even across processes.
     */
    readonly lock: (id: UserId) => Effect.Effect<void, StorageUnavailable>
    /** The conversation's serialized state (the application owns its shape). */
    readonly loadConversation: (id: UserId) => Effect.Effect<Option.Option<unknown>, StorageUnavailable>
    /**
     * `lock`, then `get` and `loadConversation`, as a decision needs them: one step. None when the
     * user is gone (erased); what is read is what the lock's last holder committed.
     */
    readonly lockWithConversation: (id: UserId) => Effect.Effect<Option.Option<UserWithConversation>, StorageUnavailable>
    /**
     * `resolve`, then `lockWithConversation` on the user found or made, in as few steps as the
     * store allows (one, for a known person with nothing new about them). None when the user found
     * was erased before their lock was granted. Inside a transaction only.
     */
    readonly resolveLocked: (
      identity: UserIdentity,
      newId: UserId,
      now: Date
    ) => Effect.Effect<Option.Option<LockedUser>, StorageUnavailable>
    readonly saveConversation: (id: UserId, conversation: unknown) => Effect.Effect<void, StorageUnavailable>
    readonly list: (options: { readonly limit: number; readonly offset: number }) => Effect.Effect<
      ReadonlyArray<UserRecord>,
      StorageUnavailable
    >
    /** Removes the user row, its conversation and its consent; other ports erase their own rows. */
    readonly erase: (id: UserId) => Effect.Effect<void, StorageUnavailable>
  }
>() {}
