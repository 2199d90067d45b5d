import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** 400: the body is not what the endpoint takes; the message says what was wrong. */
export class MalformedRequest extends Schema.TaggedError<MalformedRequest>()(
  "MalformedRequest",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 401: a missing or wrong signature or bearer token. */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()(
  "Unauthenticated",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

/** 403: a verification handshake with a wrong mode or token. */
export class VerificationRefused extends Schema.TaggedError<VerificationRefused>()(
  "VerificationRefused",
  {},
  HttpApiSchema.annotations({ status: 403 })
) {}

/** 404: nothing is known by that reference (or the secret does not match it). */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  {},
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 413: the body exceeds the endpoint's limit. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { limitBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

/** 503: a dependency (the database) is down; the sender should retry, and nothing was lost. */
export class TemporarilyUnavailable extends Schema.TaggedError<TemporarilyUnavailable>()(
  "TemporarilyUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}
