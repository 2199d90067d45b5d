import { Schema } from "effect"

/** The envelope every event travels in, as the original bot's services exchanged them. */
export const EventEnvelope = Schema.Struct({
  id: Schema.UUID,
  event_type: Schema.String,
  timestamp: Schema.DateTimeUtc,
  data: Schema.Unknown,
  source_service: Schema.String
})
export type EventEnvelope = typeof EventEnvelope.Type

export const EventEnvelopeJson = Schema.parseJson(EventEnvelope)
