import { TransactionConnection } from "@effect/sql/SqlClient"
import type { SqlClient } from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Schema } from "effect"
import type { ParseResult } from "effect"
import { StorageUnavailable } from "../../application/ports/StorageUnavailable.js"

/** The SQLSTATE of a failed statement, when the server sent one (a lost connection has none). */
const sqlState = (error: SqlError): string | undefined => {
  const cause: unknown = error.cause
  return typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined
}

const causeMessage = (error: SqlError): string => {
  const cause: unknown = error.cause
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message
}

/**
 * Data exceptions, integrity violations and syntax or undefined-object errors mean our own
 * statement is wrong: a bug, so a defect. Everything else (no connection, admin shutdown,
 * deadlock, serialization failure, too many connections...) is the database being unavailable
 * for now, which callers answer with 503 or a retry.
 */
const bugClasses = new Set(["22", "23", "42"])

export const isBug = (error: SqlError): boolean => {
  const state = sqlState(error)
  return state !== undefined && bugClasses.has(state.slice(0, 2))
}

export const toUnavailable = (error: SqlError): Effect.Effect<never, StorageUnavailable> =>
  isBug(error) ? Effect.die(error) : Effect.fail(new StorageUnavailable({ reason: causeMessage(error) }))

/** Maps a statement's failures onto the port's error: rows that do not decode are a defect (our schema is wrong). */
export const orUnavailable = <A, R>(
  effect: Effect.Effect<A, SqlError | ParseResult.ParseError, R>
): Effect.Effect<A, StorageUnavailable, R> =>
  effect.pipe(Effect.catchTags({ SqlError: toUnavailable, ParseError: (error) => Effect.die(error) }))

/** Runs a statement and decodes every row with `schema`. */
export const decodeRows = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknown(Schema.Array(schema))
  return <R>(statement: Effect.Effect<ReadonlyArray<unknown>, SqlError, R>): Effect.Effect<ReadonlyArray<A>, StorageUnavailable, R> =>
    orUnavailable(Effect.flatMap(statement, decode))
}

const CountRow = Schema.Struct({ n: Schema.Int })
const decodeCount = decodeRows(CountRow)

/** Runs a statement shaped `WITH d AS (... RETURNING 1) SELECT count(*)::int AS n FROM d` and returns `n`. */
export const affectedCount = <R>(statement: Effect.Effect<ReadonlyArray<unknown>, SqlError, R>) =>
  decodeCount(statement).pipe(Effect.map((rows) => rows[0]?.n ?? 0))

/** Runs a statement shaped like `affectedCount`'s and tells whether it changed any row. */
export const affectedAny = <R>(statement: Effect.Effect<ReadonlyArray<unknown>, SqlError, R>) =>
  Effect.map(affectedCount(statement), (n) => n > 0)

/** Runs a statement whose rows do not matter. */
export const execute = <R>(statement: Effect.Effect<unknown, SqlError, R>): Effect.Effect<void, StorageUnavailable, R> =>
  orUnavailable(Effect.asVoid(statement))

/** JSON for a `jsonb` parameter (`${json(x)}::jsonb`): node-postgres would send a JS array as a Postgres array. */
export const json = (value: unknown): string => JSON.stringify(value)

/** Carries the work's own failure through `withTransaction`, so it stays apart from the client's SqlError. */
class WorkFailed<E> {
  constructor(readonly error: E) {}
}

/**
 * `sql.withTransaction` with the failures of BEGIN, COMMIT and ROLLBACK mapped like any
 * statement's. @effect/sql turns a failed COMMIT or ROLLBACK into a defect; a connection lost
 * there is the database being unavailable all the same (whether the COMMIT landed is unknown,
 * which is why every write is deduplicated and the caller retries).
 */
export const transactionally =
  (sql: SqlClient) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
    sql.withTransaction(Effect.mapError(effect, (error) => new WorkFailed(error))).pipe(
      Effect.catchAll((failure): Effect.Effect<never, E | StorageUnavailable> =>
        failure instanceof WorkFailed ? Effect.fail(failure.error) : toUnavailable(failure)
      ),
      Effect.catchAllDefect((defect) => (defect instanceof SqlError ? toUnavailable(defect) : Effect.die(defect)))
    )

/**
 * For statements that only need to be atomic together: inside the caller's transaction as they
 * are, else in a transaction of their own. No savepoint (two more round trips): their failure is a
 * storage failure, which fails the caller's transaction anyway.
 */
export const atomically =
  (sql: SqlClient) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
    Effect.flatMap(Effect.serviceOption(TransactionConnection), (connection) =>
      Option.isSome(connection) ? effect : transactionally(sql)(effect)
    )
