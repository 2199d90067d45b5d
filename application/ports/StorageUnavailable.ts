import { Schema } from "effect"

/** The database could not be reached or refused the work; callers answer 503 or retry, nothing is lost. */
export class StorageUnavailable extends Schema.TaggedError<StorageUnavailable>()("StorageUnavailable", {
  reason: Schema.String
}) {}
