import { HttpServerResponse } from "@effect/platform"
import type { GraphErrorBody } from "../../../contracts/whatsapp/GraphError.js"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import { fbtraceId } from "./ids.js"

/** Meta's error bodies: the code, its title, the details and the subcode Meta gives for it. */

/** What a refusal says: its code, and the sentence about the fault. */
export interface Refusal {
  readonly code: number
  /** `error_data.details`; absent when the message says it all. */
  readonly details?: string
  /** The message after `(#code)`, when it is not the code's title. */
  readonly message?: string
}

const MissingAccessToken = 104
/** Codes of Meta's table the bot does not branch on, so not in the contract's list. */
export const RequiredParameterMissing = 131008
export const ParameterValueInvalid = 131009

export const titles: Record<number, string> = {
  [MissingAccessToken]: "An access token is required to request this resource",
  [GraphErrorCode.InvalidParameter]: "Invalid parameter",
  [GraphErrorCode.AccessTokenInvalid]: "Invalid OAuth access token",
  [GraphErrorCode.AppRateLimit]: "Application request limit reached",
  [GraphErrorCode.AccountRateLimit]: "Rate limit hit",
  [GraphErrorCode.Throughput]: "Rate limit hit",
  [GraphErrorCode.PairRateLimit]: "(Business Account, Consumer Account) pair rate limit hit",
  [GraphErrorCode.SpamRateLimit]: "Spam rate limit hit",
  [GraphErrorCode.Undeliverable]: "Message undeliverable",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Re-engagement message",
  [RequiredParameterMissing]: "Required parameter is missing",
  [ParameterValueInvalid]: "Parameter value is not valid",
  [GraphErrorCode.UnsupportedMessageType]: "Unsupported message type",
  [GraphErrorCode.MediaDownload]: "Media download error",
  [GraphErrorCode.MediaUpload]: "Media upload error",
  [GraphErrorCode.UserIdNotSupported]: "Business-scoped user id not supported",
  [GraphErrorCode.TemplateParameterCount]: "Template Param Count Mismatch",
  [GraphErrorCode.TemplateNotFound]: "Template does not exist",
  [GraphErrorCode.TemplateParameterFormat]: "Template Parameter Format Mismatch"
}

export const detailsOf: Record<number, string> = {
  [GraphErrorCode.Throughput]: "Cloud API message throughput has been reached.",
  [GraphErrorCode.PairRateLimit]: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  [GraphErrorCode.UnsupportedMessageType]: "Message type is currently not supported."
}

/** The subcodes in Meta's examples: an invalid token (463), the app's call limit, the number's throughput. */
const subcodes: Record<number, number> = {
  [GraphErrorCode.AccessTokenInvalid]: 463,
  [GraphErrorCode.AppRateLimit]: 2446079,
  [GraphErrorCode.Throughput]: 2494055
}

/** Token errors come from the Graph layer itself and carry no `(#code)` prefix. */
const unprefixed: ReadonlySet<number> = new Set([MissingAccessToken, GraphErrorCode.AccessTokenInvalid])

export const graphError = (code: number, message: string, details?: string, subcode = subcodes[code]): GraphErrorBody => ({
  error: {
    message: unprefixed.has(code) ? message : `(#${code}) ${message}`,
    type: "OAuthException",
    code,
    ...(details === undefined ? {} : { error_data: { messaging_product: "whatsapp", details } }),
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    fbtrace_id: fbtraceId()
  }
})

const defaultHttpStatus = (code: number): number =>
  code === GraphErrorCode.AccessTokenInvalid || code === MissingAccessToken
    ? 401
    : code === GraphErrorCode.Throughput || code === GraphErrorCode.AppRateLimit || code === GraphErrorCode.AccountRateLimit
      ? 429
      : 400

export const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

/** A refusal with the code's title, and its details unless others are given. */
export const refuse = (code: number, httpStatus = defaultHttpStatus(code), details = detailsOf[code]) =>
  json(graphError(code, titles[code] ?? "Error", details), httpStatus)

/** A refusal judged from a request's content. */
export const refuseAs = (refusal: Refusal) =>
  json(graphError(refusal.code, refusal.message ?? titles[refusal.code] ?? "Error", refusal.details ?? detailsOf[refusal.code]), defaultHttpStatus(refusal.code))

/** Meta's answer to a request without a token (104) or with one it does not know (190). */
export const refuseToken = (present: boolean) => refuse(present ? GraphErrorCode.AccessTokenInvalid : MissingAccessToken)

/** Media Meta does not have, or that is not this number's (code 100, subcode 33). */
export const noSuchObject = (method: "get" | "delete", id: string) =>
  json(
    graphError(
      GraphErrorCode.InvalidParameter,
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      undefined,
      33
    ),
    400
  )
