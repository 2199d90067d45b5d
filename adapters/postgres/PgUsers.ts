import { SqlClient, TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Array as Arr, Effect, Layer, Option, Schema, String as Str } from "effect"
import { UserRecord, Users } from "../../application/ports/Users.js"
import type { LockedUser, UserIdentity } from "../../application/ports/Users.js"
import type { UserId } from "../../domain/ids.js"
import { atomically, decodeRows, execute, json, orUnavailable } from "./PgQuery.js"

/** Advisory lock namespaces (the two-key form), so an identity's lock never collides with a user's. */
const userLockSpace = 1
const identityLockSpace = 2

/** The keys of an identity's locks, sorted, so that two resolves never wait on each other crosswise. */
const identityKeys = (identity: UserIdentity): Array<string> =>
  [
    ...Option.toArray(Option.map(identity.waId, (w) => `wa:${w}`)),
    ...Option.toArray(Option.map(identity.bsuid, (b) => `bsuid:${b}`))
  ].sort()

const columns = `id, wa_id AS "waId", bsuid, profile_name AS "profileName", created_at AS "createdAt",
  photo_consent_at AS "photoConsentAt"`

const ConversationRow = Schema.Struct({ conversation: Schema.Unknown })
const ResolvedFlagsRow = Schema.Struct({ created: Schema.Boolean, repliesHeld: Schema.Boolean })

export const PgUsers = Layer.effect(
  Users,
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const users = decodeRows(UserRecord)
    const conversations = decodeRows(ConversationRow)
    const flags = decodeRows(ResolvedFlagsRow)
    const select = sql.literal(columns)

    const findBy = (column: "wa_id" | "bsuid", value: Option.Option<string>) =>
      Option.match(value, {
        onNone: () => Effect.succeed(Option.none<UserRecord>()),
        onSome: (v) =>
          users(sql`SELECT ${select} FROM users WHERE ${sql(column)} = ${v}`).pipe(Effect.map(Arr.head))
      })

    /** The rows of a `SELECT ${select}, conversation`, each as the user with their conversation. */
    const withConversations = (statement: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
      Effect.flatMap(orUnavailable(statement), withConversation)
    const withConversation = (rows: ReadonlyArray<unknown>) =>
      Effect.all([users(Effect.succeed(rows)), conversations(Effect.succeed(rows))]).pipe(
        Effect.map(([records, stored]) =>
          Option.map(Arr.head(records), (user) => ({ user, conversation: Option.fromNullable(stored[0]?.conversation) }))
        )
      )

    const requireTransaction = (what: string) =>
      Effect.serviceOption(TransactionConnection).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.dieMessage(`${what} must run inside a UnitOfWork transaction`),
          onSome: () => Effect.void
        }))
      )

    const resolve = (identity: UserIdentity, newId: UserId, now: Date) =>
      Effect.gen(function* () {
        // Two first messages of one person run this at once: lock the identities (sorted, so two
        // resolves never wait on each other crosswise) and the loser finds the winner's row.
        const keys = identityKeys(identity)
        if (keys.length === 0) return yield* Effect.dieMessage("Users.resolve needs a wa_id or a BSUID")
        for (const key of keys) {
          yield* execute(sql`SELECT pg_advisory_xact_lock(${identityLockSpace}, hashtext(${key}))`)
        }
        // The BSUID is the stable identity; a number can move to another person.
        const found = yield* findBy("bsuid", identity.bsuid)
        const existing = Option.isSome(found) ? found : yield* findBy("wa_id", identity.waId)
        if (Option.isNone(existing)) {
          const rows = yield* users(sql`
            INSERT INTO users (id, wa_id, bsuid, profile_name, created_at)
            VALUES (${newId}, ${Option.getOrNull(identity.waId)}, ${Option.getOrNull(identity.bsuid)},
                    ${Option.getOrNull(identity.profileName)}, ${now})
            RETURNING ${select}`)
          return { user: rows[0]!, created: true }
        }
        const user = existing.value
        // Nearly every message comes from someone fully known: no write, so no row lock that the
        // conversation worker (which saves the same row) would have to wait for.
        const nothingNew =
          (Option.isNone(identity.waId) || Option.isSome(user.waId)) &&
          (Option.isNone(identity.bsuid) || Option.isSome(user.bsuid)) &&
          (Option.isNone(identity.profileName) || Option.getEquivalence(Str.Equivalence)(identity.profileName, user.profileName))
        if (nothingNew) return { user, created: false }
        // Add what the record lacks, unless another user already holds that identity.
        const rows = yield* users(sql`
          UPDATE users SET
            wa_id = COALESCE(wa_id, (SELECT ${Option.getOrNull(identity.waId)}::text
                                     WHERE NOT EXISTS (SELECT 1 FROM users WHERE wa_id = ${Option.getOrNull(identity.waId)}))),
            bsuid = COALESCE(bsuid, (SELECT ${Option.getOrNull(identity.bsuid)}::text
                                     WHERE NOT EXISTS (SELECT 1 FROM users WHERE bsuid = ${Option.getOrNull(identity.bsuid)}))),
            profile_name = COALESCE(${Option.getOrNull(identity.profileName)}, profile_name),
            updated_at = now()
          WHERE id = ${user.id}
          RETURNING ${select}`)
        return { user: rows[0] ?? user, created: false }
      }).pipe(atomically(sql))

    // The user's lock is a one-time filter, taken before the row is read; the row is read
    // FOR NO KEY UPDATE, so that a statement whose snapshot predates the lock's last holder's
    // commit still gets the row as that holder left it (a row lock returns the latest version).
    // That row lock is the one the decision's save of the conversation takes anyway.
    const lockWithConversation = (id: UserId) =>
      requireTransaction("Users.lockWithConversation").pipe(
        Effect.zipRight(
          withConversations(sql`
            SELECT ${select}, conversation FROM users
            WHERE id = ${id} AND (SELECT pg_advisory_xact_lock(${userLockSpace}, hashtext(${id}))) IS NOT NULL
            FOR NO KEY UPDATE`)
        )
      )

    /**
     * The two commonest resolves in one statement each, the user locked and read with whether
     * replies to them wait for their window (so that releasing them costs a statement only when
     * some do):
     * - a known person with nothing new about them (nearly every message), found as `resolve`
     *   finds them (BSUID first): nothing is written, so the identities' locks, which keep two
     *   resolves from writing one identity twice, are not needed;
     * - someone nobody holds either identity of: their identities locked (sorted) as `resolve`
     *   locks them, and the user made, unless someone made them while the locks were awaited.
     * No row (something to add, a user made meanwhile) leaves the work to `resolve`.
     */
    const lockKnownOrMake = (identity: UserIdentity, newId: UserId, now: Date) => {
      const waId = Option.getOrNull(identity.waId)
      const bsuid = Option.getOrNull(identity.bsuid)
      const profileName = Option.getOrNull(identity.profileName)
      const nothingNew = sql`(${waId}::text IS NULL OR wa_id IS NOT NULL) AND (${bsuid}::text IS NULL OR bsuid IS NOT NULL)
        AND (${profileName}::text IS NULL OR profile_name = ${profileName})`
      // The known person's quals are checked again on the row's latest version once it is locked.
      // The insert meets a user made while its locks were awaited as a conflict, and does nothing.
      return orUnavailable(sql`
        WITH known AS (
          SELECT id FROM users
          WHERE id = COALESCE((SELECT id FROM users WHERE bsuid = ${bsuid}), (SELECT id FROM users WHERE wa_id = ${waId}))
            AND ${nothingNew}
        ), locked AS (SELECT id, pg_advisory_xact_lock(${userLockSpace}, hashtext(id)) FROM known),
        found AS (
          SELECT ${select}, conversation, false AS created, EXISTS (
            SELECT 1 FROM outbound_messages WHERE user_id = users.id AND status = 'awaiting_window') AS "repliesHeld"
          FROM users
          WHERE id = (SELECT id FROM locked) AND (bsuid = ${bsuid} OR wa_id = ${waId}) AND ${nothingNew}
          FOR NO KEY UPDATE OF users
        ), absent AS (
          SELECT count(pg_advisory_xact_lock(${identityLockSpace}, hashtext(key)))::int AS locks
          FROM (SELECT key FROM jsonb_array_elements_text(${json(identityKeys(identity))}::jsonb) WITH ORDINALITY AS k (key, n)
                ORDER BY n) AS keys
          WHERE NOT EXISTS (SELECT 1 FROM users WHERE bsuid = ${bsuid} OR wa_id = ${waId})
        ), made AS (
          INSERT INTO users (id, wa_id, bsuid, profile_name, created_at)
          SELECT ${newId}, ${waId}, ${bsuid}, ${profileName}, ${now} FROM absent WHERE locks > 0
          ON CONFLICT DO NOTHING
          RETURNING ${select}, NULL::jsonb AS conversation, true AS created, false AS "repliesHeld"
        )
        SELECT * FROM found UNION ALL SELECT * FROM made`).pipe(
        Effect.flatMap((rows) => Effect.all([withConversation(rows), flags(Effect.succeed(rows))])),
        Effect.map(([found, flag]) =>
          Option.map(found, (locked): LockedUser => ({
            ...locked,
            created: flag[0]?.created ?? false,
            repliesHeld: flag[0]?.repliesHeld ?? true
          }))
        )
      )
    }

    const resolveLocked = (identity: UserIdentity, newId: UserId, now: Date) =>
      Effect.gen(function* () {
        yield* requireTransaction("Users.resolveLocked")
        const quick = yield* lockKnownOrMake(identity, newId, now)
        if (Option.isSome(quick)) return quick
        const { user, created } = yield* resolve(identity, newId, now)
        // Nobody else can name a user before the transaction that made them commits: no lock to
        // take, and no reply to them yet.
        if (created) return Option.some<LockedUser>({ user, created, conversation: Option.none(), repliesHeld: false })
        const locked = yield* lockWithConversation(user.id)
        return Option.map(locked, (found): LockedUser => ({ ...found, created, repliesHeld: true }))
      })

    return Users.of({
      resolve,
      get: (id) => users(sql`SELECT ${select} FROM users WHERE id = ${id}`).pipe(Effect.map(Arr.head)),
      findByWaId: (waId) => findBy("wa_id", Option.some(waId)),
      recordPhotoConsent: (id, at) =>
        execute(
          sql`UPDATE users SET photo_consent_at = ${at}, updated_at = now() WHERE id = ${id} AND photo_consent_at IS NULL`
        ),
      // A recycled number may still sit on an older record: the person who now has it wins.
      changeNumber: (id, newWaId) =>
        Effect.zipRight(
          execute(sql`UPDATE users SET wa_id = NULL, updated_at = now() WHERE wa_id = ${newWaId} AND id <> ${id}`),
          execute(sql`UPDATE users SET wa_id = ${newWaId}, updated_at = now() WHERE id = ${id}`)
        ).pipe(atomically(sql)),
      lock: (id) =>
        requireTransaction("Users.lock").pipe(
          Effect.zipRight(execute(sql`SELECT pg_advisory_xact_lock(${userLockSpace}, hashtext(${id}))`))
        ),
      loadConversation: (id) =>
        conversations(sql`SELECT conversation FROM users WHERE id = ${id} AND conversation IS NOT NULL`).pipe(
          Effect.map((rows) => Option.map(Arr.head(rows), (row) => row.conversation))
        ),
      lockWithConversation,
      resolveLocked,
      saveConversation: (id, conversation) =>
        execute(sql`UPDATE users SET conversation = ${json(conversation)}::jsonb, updated_at = now() WHERE id = ${id}`),
      list: ({ limit, offset }) =>
        users(sql`SELECT ${select} FROM users ORDER BY created_at, id LIMIT ${limit} OFFSET ${offset}`),
      erase: (id) => execute(sql`DELETE FROM users WHERE id = ${id}`)
    })
  })
)
