import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import type { Account } from "./account.js"
import { refuse, refuseAs, refuseToken } from "./errors.js"
import type { Media } from "./media.js"
import type { Sending } from "./sending.js"
import type { GraphSettings } from "./settings.js"
import type { GraphState } from "./state.js"

/** The fake's HTTP routes, each handed to its behaviour; Meta's answer for anything else. */
export const makeRouter = (settings: GraphSettings, state: GraphState, sending: Sending, media: Media, account: Account) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const origin = `http://${request.headers["host"] ?? "127.0.0.1"}`
    const url = new URL(request.url, origin)
    const segments = url.pathname.split("/").filter((segment) => segment.length > 0)
    const [version, node, edge] = segments
    const httpFault = state.takeHttpFault()
    if (httpFault !== undefined) return HttpServerResponse.text("Service Unavailable", { status: httpFault })
    if (version === "whatsapp_business" && node === "attachments" && request.method === "GET") {
      return yield* media.handleDownload(url, request)
    }
    if (version !== settings.version) return refuse(100, 400, `Unknown path components: ${url.pathname}`)
    const authorization = request.headers["authorization"] ?? ""
    if (authorization !== `Bearer ${settings.accessToken}`) return refuseToken(/^Bearer \S/.test(authorization))
    const onNumber = segments.length === 3 && node === settings.phoneNumberId && request.method === "POST"
    if (onNumber && edge === "messages") {
      const payload = yield* Effect.either(request.json)
      return Either.isLeft(payload) ? refuseAs({ code: 100, details: "Invalid JSON in request body" }) : yield* sending.handleMessages(payload.right)
    }
    if (onNumber && edge === "media") return yield* media.handleUpload(request)
    if (segments.length === 2 && node === settings.phoneNumberId && request.method === "GET") return account.handlePhoneNumber()
    if (segments.length === 3 && node !== undefined && edge === "message_templates" && request.method === "GET") {
      return account.handleTemplates(node, url)
    }
    if (segments.length === 2 && node !== undefined && request.method === "GET") return yield* media.handleLookup(node, url, origin)
    if (segments.length === 2 && node !== undefined && request.method === "DELETE") return yield* media.handleDelete(node, url)
    return refuse(100, 400, `Unsupported ${request.method} request`)
  })
