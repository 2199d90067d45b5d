import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer, Redacted, Schema } from "effect"
import {
  LegacyDatabase,
  LegacyDatabaseUnreadable,
  LegacyPayment,
  LegacyRating,
  LegacyUser
} from "../../../application/legacy/LegacyDatabase.js"

/**
 * Every statement of the session is read only, whatever the URL's own options: an import must never
 * change the original's database, even through a bug here.
 */
export const readOnlyUrl = (url: string): string => {
  const parsed = new URL(url)
  const options = parsed.searchParams.get("options")
  parsed.searchParams.set("options", `${options === null ? "" : `${options} `}-c default_transaction_read_only=on`)
  return parsed.toString()
}

const unreadable = (error: { readonly message: string }) => new LegacyDatabaseUnreadable({ detail: error.message })

/**
 * The original's tables over their own connection (the original's database is another one; its
 * `users` and `payments` are not ours). Unquoted `tuneID` is stored by Postgres as `tuneid`.
 */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient
  const decode = <A, I>(schema: Schema.Schema<A, I>) => (rows: ReadonlyArray<unknown>) =>
    Schema.decodeUnknown(Schema.Array(schema))(rows).pipe(Effect.mapError(unreadable))
  const read = Effect.gen(function* () {
    const users = yield* sql`
      SELECT u.phone, u.state, u.tuneid AS "tuneId", u.chosen_pack AS "chosenPack", u.entity_type AS "entityType",
             u.language, (SELECT count(*)::int FROM pictures p WHERE p.phone_number = u.phone) AS pictures
      FROM users u ORDER BY u.phone`.pipe(Effect.mapError(unreadable), Effect.flatMap(decode(LegacyUser)))
    const payments = yield* sql`SELECT id, date::text AS date FROM payments ORDER BY date, id`.pipe(
      Effect.mapError(unreadable),
      Effect.flatMap(decode(LegacyPayment))
    )
    const ratings = yield* sql`
      SELECT phone_number AS phone, rating, date::text AS date, feedback FROM ratings ORDER BY date, phone_number`.pipe(
      Effect.mapError(unreadable),
      Effect.flatMap(decode(LegacyRating))
    )
    return { users, payments, ratings }
  })
  return LegacyDatabase.of({ read })
})

/** The original's database at `url`, in a connection of its own, read only. */
export const PgLegacyDatabase = (url: Redacted.Redacted<string>) =>
  Layer.effect(LegacyDatabase, make).pipe(
    Layer.provide(PgClient.layer({ url: Redacted.make(readOnlyUrl(Redacted.value(url))), maxConnections: 1, connectTimeout: "10 seconds" })),
    Layer.mapError(unreadable)
  )
