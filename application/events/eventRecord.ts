import { Clock, DateTime, Effect, Schema } from "effect"
import type { EventDefinition } from "../../contracts/events/BotEvents.js"
import { EventEnvelopeJson } from "../../contracts/events/EventEnvelope.js"
import { Ids } from "../ports/Ids.js"
import type { NewOutboxEvent } from "../ports/Outbox.js"

/** The service name in each envelope's `source_service`, as the original bot's services named themselves. */
export type SourceService = "message" | "image" | "payment" | "maintenance"

/**
 * Builds the outbox row of one event whose payload is encoded already (by its schema, so `I`):
 * for a caller that needs the encoded form itself and should not encode twice.
 */
export const encodedEventRecord = <A, I>(
  event: EventDefinition<A, I>,
  key: string,
  encoded: I,
  source: SourceService
): Effect.Effect<NewOutboxEvent, never, Ids> =>
  Effect.gen(function* () {
    const id = yield* Effect.flatMap(Ids, (ids) => ids.uuid)
    const now = yield* Clock.currentTimeMillis
    const body = yield* Schema.encode(EventEnvelopeJson)({
      id,
      event_type: event.eventType,
      timestamp: DateTime.unsafeMake(now),
      data: encoded,
      source_service: source
    }).pipe(Effect.orDie)
    return { id, eventType: event.eventType, key, body, createdAt: new Date(now) }
  })

/**
 * Builds the outbox row of one event: the payload encoded by its schema, wrapped in the envelope.
 * `key` orders delivery: the internal user id.
 */
export const eventRecord = <A, I>(
  event: EventDefinition<A, I>,
  key: string,
  data: A,
  source: SourceService
): Effect.Effect<NewOutboxEvent, never, Ids> =>
  Schema.encode(event.schema)(data).pipe(
    Effect.orDie,
    Effect.flatMap((encoded) => encodedEventRecord(event, key, encoded, source))
  )
