import { Effect, Layer, Option } from "effect"
import { emptyReading, inStatusSince, StoredStateReadings } from "../../application/ports/StoredStateReadings.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"

export const InMemoryStoredStateReadings = Layer.effect(
  StoredStateReadings,
  Effect.map(InMemoryDatabase, (db) =>
    StoredStateReadings.of({
      read: db.run((t) => {
        const reading = emptyReading()
        for (const { intent } of t.outbound.values()) reading.intents[intent.status] += 1
        for (const order of t.orders.values()) {
          const before = reading.orders[order.status]
          const since = inStatusSince(order)
          const oldest = Option.getOrUndefined(before.oldestSince)
          const oldestSince = since === undefined ? before.oldestSince : Option.some(oldest !== undefined && oldest < since ? oldest : since)
          reading.orders[order.status] = { count: before.count + 1, oldestSince }
        }
        return reading
      })
    })
  )
)
