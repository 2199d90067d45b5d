import { HttpServerResponse } from "@effect/platform"
import type { GraphErrorBody } from "../../../contracts/whatsapp/GraphError.js"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import { fbtraceId } from "./ids.js"

/** Meta's error bodies: the code, its title, and the details Meta gives for it. */

export const graphError = (code: number, message: string, details?: string, subcode?: number): GraphErrorBody => ({
  error: {
    message: `(#${code}) ${message}`,
    type: "OAuthException",
    code,
    ...(details === undefined ? {} : { error_data: { messaging_product: "whatsapp", details } }),
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    fbtrace_id: fbtraceId()
  }
})

export const titles: Record<number, string> = {
  [GraphErrorCode.InvalidParameter]: "Invalid parameter",
  [GraphErrorCode.AccessTokenInvalid]: "Invalid OAuth access token",
  [GraphErrorCode.AppRateLimit]: "Application request limit reached",
  [GraphErrorCode.AccountRateLimit]: "Rate limit hit",
  [GraphErrorCode.Throughput]: "Rate limit hit",
  [GraphErrorCode.PairRateLimit]: "(Business Account, Consumer Account) pair rate limit hit",
  [GraphErrorCode.SpamRateLimit]: "Spam rate limit hit",
  [GraphErrorCode.Undeliverable]: "Message undeliverable",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Re-engagement message",
  [GraphErrorCode.UserIdNotSupported]: "Business-scoped user id not supported"
}

export const detailsOf: Record<number, string> = {
  [GraphErrorCode.Throughput]: "Cloud API message throughput has been reached.",
  [GraphErrorCode.PairRateLimit]: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
  [GraphErrorCode.OutsideCustomerServiceWindow]: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
}

const defaultHttpStatus = (code: number): number =>
  code === GraphErrorCode.AccessTokenInvalid ? 401 : code === GraphErrorCode.Throughput || code === GraphErrorCode.AppRateLimit || code === GraphErrorCode.AccountRateLimit ? 429 : 400

export const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

/** A refusal with the code's title, and its details unless others are given. */
export const refuse = (code: number, httpStatus = defaultHttpStatus(code), details = detailsOf[code]) =>
  json(graphError(code, titles[code] ?? "Error", details), httpStatus)
