import { Effect, Schema } from "effect"
import type { DateTime } from "effect"
import type { EventDefinition } from "../../contracts/events/BotEvents.js"
import { EventEnvelopeJson } from "../../contracts/events/EventEnvelope.js"
import { PermanentFailure, type BrokerMessage } from "../ports/EventBroker.js"

export interface DecodedEvent<A> {
  readonly id: string
  readonly data: A
  /** When the event was written. */
  readonly at: DateTime.Utc
}

/** Decodes a broker message as the given event; a body that does not decode can never succeed. */
export const decodeEvent = <A, I>(
  event: EventDefinition<A, I>,
  message: BrokerMessage
): Effect.Effect<DecodedEvent<A>, PermanentFailure> =>
  Schema.decode(EventEnvelopeJson)(message.body).pipe(
    Effect.filterOrFail(
      (envelope) => envelope.event_type === event.eventType,
      (envelope) => new PermanentFailure({ reason: `expected ${event.eventType}, got ${envelope.event_type}` })
    ),
    Effect.flatMap((envelope) =>
      Schema.decodeUnknown(event.schema)(envelope.data).pipe(
        Effect.map((data) => ({ id: envelope.id, data, at: envelope.timestamp }))
      )
    ),
    Effect.mapError((error) =>
      error._tag === "PermanentFailure" ? error : new PermanentFailure({ reason: `undecodable ${event.eventType}: ${error.message}` })
    )
  )
