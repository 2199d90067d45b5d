import { createHmac } from "node:crypto"
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { Effect, Either, Option, Stream } from "effect"
import { GraphErrorCode } from "../../../contracts/whatsapp/GraphError.js"
import { mediaSizeLimits } from "../../../contracts/whatsapp/Send.js"
import { graphError, json, refuse } from "./errors.js"
import { dayMs, hexSha256 } from "./ids.js"
import type { GraphSettings } from "./settings.js"
import { now, type GraphState } from "./state.js"

/** Media: multipart uploads, look-ups answering a signed URL that expires, and downloads. */

const mediaKind = (mimeType: string): keyof typeof mediaSizeLimits =>
  mimeType === "image/webp" ? "sticker" : mimeType.startsWith("image/") ? "image" : mimeType.startsWith("video/") ? "video" : mimeType.startsWith("audio/") ? "audio" : "document"

export const makeMedia = (settings: GraphSettings, state: GraphState) => {
  const urlHash = (mediaId: string, expires: number) => createHmac("sha256", settings.urlSecret).update(`${mediaId}:${expires}`).digest("hex")

  const handleUpload = (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function* () {
      const parts = yield* request.multipartStream.pipe(
        Stream.mapEffect((part) =>
          part._tag === "File"
            ? Effect.map(part.contentEffect, (content) => ({ key: part.key, value: "", file: Option.some({ content, type: part.contentType }) }))
            : Effect.succeed({ key: part.key, value: part._tag === "Field" ? part.value : "", file: Option.none<{ content: Uint8Array; type: string }>() })
        ),
        Stream.runCollect,
        Effect.either
      )
      if (Either.isLeft(parts)) return refuse(100, 400, "the upload is not multipart/form-data")
      const all = [...parts.right]
      const field = (key: string) => all.find((part) => part.key === key)
      const file = Option.flatMap(Option.fromNullable(field("file")), (part) => part.file)
      const type = field("type")?.value ?? ""
      if (field("messaging_product")?.value !== "whatsapp") return refuse(100, 400, "messaging_product is required")
      if (Option.isNone(file)) return refuse(100, 400, "file is required")
      if (type.length === 0) return refuse(100, 400, "type is required")
      if (file.value.content.length > mediaSizeLimits[mediaKind(type)]) {
        return refuse(GraphErrorCode.MediaUpload, 400, `file is larger than the ${mediaKind(type)} limit`)
      }
      const id = yield* state.storeMedia(file.value.content, type, 30 * dayMs)
      return json({ id })
    })

  const handleLookup = (mediaId: string, origin: string) =>
    Effect.map(now, (at) => {
      const item = state.liveMedia(mediaId, at)
      if (item === undefined) {
        const message = `Unsupported get request. Object with ID '${mediaId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`
        return json(graphError(100, message, undefined, 33), 400)
      }
      const expires = Math.floor((at + settings.mediaUrlLifetimeMs) / 1000)
      return json({
        messaging_product: "whatsapp",
        url: `${origin}/whatsapp_business/attachments/?mid=${mediaId}&ext=${expires}&hash=${urlHash(mediaId, expires)}`,
        mime_type: item.mimeType,
        sha256: hexSha256(item.bytes),
        file_size: String(item.bytes.length),
        id: mediaId
      })
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
      return answer(HttpServerResponse.uint8Array(item.bytes, { contentType: item.mimeType }))
    })

  return { handleUpload, handleLookup, handleDownload }
}

export type Media = ReturnType<typeof makeMedia>
