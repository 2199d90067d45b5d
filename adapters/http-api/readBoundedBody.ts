import { FileSystem, HttpIncomingMessage } from "@effect/platform"
import type { HttpServerRequest } from "@effect/platform"
import { Effect, Option, Stream } from "effect"
import { MalformedRequest, PayloadTooLarge } from "../../contracts/http/HttpErrors.js"

/** Past the limit, a body is read and discarded up to this many times the limit, so the client hears the 413. */
const drainFactor = 4

/** A body the connection failed to deliver (the client went away, a broken chunk). */
export const unreadable = () => new MalformedRequest({ message: "The request body could not be read." })

/**
 * Reads a request's raw bytes, refusing more than `maxBytes` with a real 413. The platform's own
 * body-size limit closes the connection without an answer, so the length is checked here: first
 * the declared Content-Length, then the bytes as they stream in (a chunked body declares none).
 * A client still sending when the answer goes out would see a dropped connection, so an oversized
 * body is drained (not kept) before the 413, up to `drainFactor` times the limit.
 */
export const readBoundedBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<Uint8Array, PayloadTooLarge | MalformedRequest> =>
  Effect.suspend(() => {
    // Made only when needed: an error captures a stack trace, which every request would pay for.
    const tooLarge = Effect.suspend(() => new PayloadTooLarge({ limitBytes: maxBytes }))
    const drainLimit = maxBytes * drainFactor
    const declared = Option.fromNullable(request.headers["content-length"]).pipe(Option.map(Number))
    if (Option.isSome(declared) && declared.value > drainLimit) return tooLarge
    // The common case, a body that declares a length within the limit: read whole, in one step.
    // HTTP framing stops at the declared length, and the platform's limit guards it all the same.
    if (Option.isSome(declared) && declared.value <= maxBytes) {
      return request.arrayBuffer.pipe(
        Effect.map((buffer) => new Uint8Array(buffer)),
        Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(maxBytes))),
        Effect.mapError(unreadable)
      )
    }
    return Effect.gen(function* () {
      const chunks: Array<Uint8Array> = []
      let total = 0
      yield* request.stream.pipe(
        Stream.mapError(unreadable),
        Stream.runForEach((chunk) => {
          total += chunk.byteLength
          if (total > drainLimit) return tooLarge
          if (total <= maxBytes) chunks.push(chunk)
          return Effect.void
        })
      )
      if (total > maxBytes) return yield* tooLarge
      return Buffer.concat(chunks, total)
    })
  })
