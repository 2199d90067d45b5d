import { Schema } from "effect"

/**
 * Astria serializes some numbers as strings (`cfg_scale: "3.0"`); accept both and encode as a
 * number, which is what we send.
 */
export const Numeric = Schema.Union(Schema.Number, Schema.NumberFromString)

/** An integer id or count that may arrive as a string. */
export const IntLike = Schema.Union(Schema.Int, Schema.NumberFromString.pipe(Schema.int()))

/** A field that Astria may omit or send as `null`; kept as it came so the fake can mirror it. */
export const Nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))

/** An ISO 8601 timestamp on the wire, a `Date` in code. */
export const Timestamp = Schema.Date

/**
 * An image URL as Astria gives it: often without a file extension, so its type must be sniffed
 * from the bytes, never guessed from the name.
 */
export const ImageUrl = Schema.String.pipe(Schema.nonEmptyString())
