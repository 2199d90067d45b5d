import { Schema } from "effect"

/** A 400 or 422 body of the form `{"error": "..."}`. */
export const ValidationErrorMessage = Schema.Struct({ error: Schema.String })

/** A 400 or 422 body of the Rails form `{"field": ["message", ...]}`. */
export const ValidationErrorFields = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })

export const ValidationErrorBody = Schema.Union(ValidationErrorMessage, ValidationErrorFields)
export type ValidationErrorBody = typeof ValidationErrorBody.Type

export const ValidationErrorBodyFromJson = Schema.parseJson(ValidationErrorBody)

const isMessage = Schema.is(ValidationErrorMessage)

/** One line per problem, for logs and support: `error` as is, fields as `field: message`. */
export const validationMessages = (body: ValidationErrorBody): ReadonlyArray<string> =>
  isMessage(body)
    ? [body.error]
    : Object.entries(body).flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`))

/** The Rails form's fields and their messages; none for `{"error": "..."}`. */
export const validationFields = (body: ValidationErrorBody): Readonly<Record<string, ReadonlyArray<string>>> =>
  isMessage(body) ? {} : body
