import { createHmac } from "node:crypto"
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option, Stream } from "effect"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import { mediaSizeLimits } from "../../../contracts/whatsapp/Send.js"
import { json, noSuchObject, refuse, refuseAs } from "./errors.js"
import { dayMs } from "./ids.js"
import { bytesContent } from "./mediaContent.js"
import type { GraphSettings } from "./settings.js"
import { now, type GraphState, type MediaItem } from "./state.js"

/**
 * Media: multipart uploads, look-ups answering a signed URL that expires, downloads, deletes.
 * Every media id the fake holds is its number's (uploaded to it or sent to it).
 */

const mediaKind = (mimeType: string): keyof typeof mediaSizeLimits =>
  mimeType === "image/webp" ? "sticker" : mimeType.startsWith("image/") ? "image" : mimeType.startsWith("video/") ? "video" : mimeType.startsWith("audio/") ? "audio" : "document"

const required = (parameter: string) => refuseAs({ code: GraphErrorCode.InvalidParameter, message: `The parameter ${parameter} is required.` })

export const makeMedia = (settings: GraphSettings, state: GraphState) => {
  const urlHash = (mediaId: string, expires: number) => createHmac("sha256", settings.urlSecret).update(`${mediaId}:${expires}`).digest("hex")

  /** The media while its id lives, unless `phone_number_id` names another number. */
  const ownMedia = (mediaId: string, url: URL, at: number): MediaItem | undefined => {
    const number = url.searchParams.get("phone_number_id")
    return number === null || number === settings.phoneNumberId ? state.liveMedia(mediaId, at) : undefined
  }

  const handleUpload = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function* () {
      // A JSON body (as Meta's curl-derived examples show it) carries no file part.
      if (!(request.headers["content-type"] ?? "").startsWith("multipart/form-data")) return required("file")
      const parts = yield* request.multipartStream.pipe(
        Stream.mapEffect((part) =>
          part._tag === "File"
            ? Effect.map(part.contentEffect, (content) => ({ key: part.key, value: "", file: Option.some({ content, type: part.contentType }) }))
            : Effect.succeed({ key: part.key, value: part._tag === "Field" ? part.value : "", file: Option.none<{ content: Uint8Array; type: string }>() })
        ),
        Stream.runCollect,
        // The platform dies, not fails, on some malformed bodies (no boundary): the sender's bytes all the same.
        Effect.sandbox,
        Effect.either
      )
      if (Either.isLeft(parts)) return refuse(100, 400, "The upload is not valid multipart/form-data.")
      const all = [...parts.right]
      const field = (key: string) => all.find((part) => part.key === key)
      const file = Option.flatMap(Option.fromNullable(field("file")), (part) => part.file)
      if (field("messaging_product")?.value !== "whatsapp") return required("messaging_product")
      if (Option.isNone(file)) return required("file")
      // Meta's examples send no `type`: the file part's own type stands.
      const type = field("type")?.value || file.value.type
      if (type.length === 0) return required("type")
      if (file.value.content.length > mediaSizeLimits[mediaKind(type)]) {
        return refuse(GraphErrorCode.MediaUpload, 400, `file is larger than the ${mediaKind(type)} limit`)
      }
      const id = yield* state.storeMedia(bytesContent(file.value.content, type), 30 * dayMs)
      return json({ id })
    })

  const handleLookup = (mediaId: string, url: URL, origin: string) =>
    Effect.map(now, (at) => {
      const item = ownMedia(mediaId, url, at)
      if (item === undefined) return noSuchObject("get", mediaId)
      const expires = Math.floor((at + settings.mediaUrlLifetimeMs) / 1000)
      return json({
        messaging_product: "whatsapp",
        url: `${origin}/whatsapp_business/attachments/?mid=${mediaId}&ext=${expires}&hash=${urlHash(mediaId, expires)}`,
        mime_type: item.mimeType,
        sha256: item.sha256(),
        file_size: String(item.declaredSize),
        id: mediaId
      })
    })

  const handleDelete = (mediaId: string, url: URL) =>
    Effect.map(now, (at) => {
      if (ownMedia(mediaId, url, at) === undefined) return noSuchObject("delete", mediaId)
      state.media.delete(mediaId)
      return json({ success: true })
    })

  const handleDownload = (url: URL, request: HttpServerRequest.HttpServerRequest) =>
    Effect.map(now, (at) => {
      const mediaId = url.searchParams.get("mid") ?? ""
      const expires = Number(url.searchParams.get("ext") ?? "0")
      const hash = url.searchParams.get("hash") ?? ""
      const answer = (response: HttpServerResponse.HttpServerResponse) => {
        state.downloads.push({ mediaId, userAgent: request.headers["user-agent"], status: response.status })
        return response
      }
      if (request.headers["authorization"] !== `Bearer ${settings.accessToken}`) return answer(HttpServerResponse.text("Unauthorized", { status: 401 }))
      if (hash !== urlHash(mediaId, expires)) return answer(HttpServerResponse.text("Forbidden", { status: 403 }))
      const item = state.liveMedia(mediaId, at)
      if (at > expires * 1000 || item === undefined) return answer(HttpServerResponse.text("URL signature expired", { status: 404 }))
      return answer(HttpServerResponse.stream(item.chunks(), { contentType: item.mimeType, ...(item.sendContentLength ? { contentLength: item.size } : {}) }))
    })

  return { handleUpload, handleLookup, handleDelete, handleDownload }
}

export type Media = ReturnType<typeof makeMedia>
