import { Schema } from "effect"
import { Text } from "./WireText.js"

/**
 * The Graph API's error body. Branch on `code` (and `error_data.details`), never on the HTTP status,
 * which varies for the same error.
 */
export const GraphErrorData = Schema.Struct({
  messaging_product: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String)
})

export const GraphError = Schema.Struct({
  message: Schema.String,
  type: Schema.optional(Schema.String),
  code: Schema.Number,
  error_subcode: Schema.optional(Schema.Number),
  error_data: Schema.optional(GraphErrorData),
  error_user_title: Schema.optional(Schema.String),
  error_user_msg: Schema.optional(Schema.String),
  is_transient: Schema.optional(Schema.Boolean),
  fbtrace_id: Schema.optional(Schema.String)
})
export type GraphError = typeof GraphError.Type

export const GraphErrorBody = Schema.Struct({ error: GraphError })
export type GraphErrorBody = typeof GraphErrorBody.Type

/** Meta's error codes have at most six digits; one beyond a 32-bit integer is no code of theirs. */
const WebhookErrorCode = Schema.Int.pipe(Schema.between(-(2 ** 31), 2 ** 31 - 1))

/**
 * An error as it appears inside webhooks: in statuses, unsupported messages and value-level errors.
 * Meta's schema makes every field optional, `code` included.
 */
export const WebhookErrorDetail = Schema.Struct({
  code: Schema.optional(WebhookErrorCode),
  title: Schema.optional(Text),
  message: Schema.optional(Text),
  error_data: Schema.optional(Schema.Struct({ details: Schema.optional(Text) })),
  href: Schema.optional(Text)
})
export type WebhookErrorDetail = typeof WebhookErrorDetail.Type

/** The Graph codes the bot treats distinctly (reference/whatsapp-cloud-api.md, "Errors"). */
export const GraphErrorCode = {
  InvalidParameter: 100,
  AccessTokenInvalid: 190,
  AppRateLimit: 4,
  AccountRateLimit: 80007,
  Throughput: 130429,
  PairRateLimit: 131056,
  SpamRateLimit: 131048,
  Undeliverable: 131026,
  OutsideCustomerServiceWindow: 131047,
  UnsupportedMessageType: 131051,
  MediaDownload: 131052,
  MediaUpload: 131053,
  UserIdNotSupported: 131062,
  TemplateParameterCount: 132000,
  TemplateNotFound: 132001,
  TemplateParameterFormat: 132012
} as const
