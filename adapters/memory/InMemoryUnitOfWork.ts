import { Effect, Layer } from "effect"
import { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryUnitOfWork = Layer.effect(
  UnitOfWork,
  Effect.map(InMemoryDatabase, (db) => UnitOfWork.of({ transaction: db.transaction }))
)
