import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Layer } from "effect"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { transactionally } from "./PgQuery.js"

/** One Postgres transaction per unit of work; a nested one becomes a savepoint. */
export const PgUnitOfWork = Layer.effect(
  UnitOfWork,
  Effect.map(SqlClient, (sql) => UnitOfWork.of({ transaction: transactionally(sql) }))
)
