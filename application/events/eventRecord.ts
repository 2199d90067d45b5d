import { Clock, DateTime, Effect, Schema } from "effect"
import type { EventDefinition } from "../../contracts/events/BotEvents.js"
import { EventEnvelopeJson } from "../../contracts/events/EventEnvelope.js"
import { Ids } from "../ports/Ids.js"
import type { NewOutboxEvent } from "../ports/Outbox.js"

/** The service name in each envelope's `source_service`, as the original bot's services named themselves. */
export type SourceService = "message" | "image" | "payment" | "maintenance"

const encodeEnvelope = Schema.encodeSync(EventEnvelopeJson)

/**
 * The outbox row of one event whose payload is encoded already (by its schema, so `I`), with its
 * id and time given: for a caller that builds many at once, or needs the encoded form itself and
 * should not encode twice. Synchronous: it runs for every message of every webhook. An envelope
 * that does not encode is a defect (our own values), so it throws.
 */
export const encodedEventRecordAt = <A, I>(
  event: EventDefinition<A, I>,
  key: string,
  encoded: I,
  source: SourceService,
  id: string,
  now: number
): NewOutboxEvent => {
  const body = encodeEnvelope({
    id,
    event_type: event.eventType,
    timestamp: DateTime.unsafeMake(now),
    data: encoded,
    source_service: source
  })
  return { id, eventType: event.eventType, key, body, createdAt: new Date(now) }
}

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
    Effect.flatMap((encoded) =>
      Effect.all([Effect.flatMap(Ids, (ids) => ids.uuid), Clock.currentTimeMillis]).pipe(
        Effect.map(([id, now]) => encodedEventRecordAt(event, key, encoded, source, id, now))
      )
    )
  )
