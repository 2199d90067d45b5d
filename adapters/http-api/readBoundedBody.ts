import type { HttpServerRequest } from "@effect/platform"
import { Effect, Option, Stream } from "effect"
import { MalformedRequest, PayloadTooLarge } from "../../contracts/http/HttpErrors.js"

/**
 * Reads a request's raw bytes, refusing more than `maxBytes` with a real 413. The platform's own
 * body-size limit closes the connection without an answer, so the length is checked here: first
 * the declared Content-Length, then the bytes as they stream in (a chunked body declares none).
 */
export const readBoundedBody = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<Uint8Array, PayloadTooLarge | MalformedRequest> =>
  Effect.gen(function* () {
    const declared = Option.fromNullable(request.headers["content-length"]).pipe(Option.map(Number))
    if (Option.isSome(declared) && declared.value > maxBytes) {
      return yield* new PayloadTooLarge({ limitBytes: maxBytes })
    }
    const chunks: Array<Uint8Array> = []
    let total = 0
    yield* request.stream.pipe(
      Stream.mapError(() => new MalformedRequest({ message: "The request body could not be read." })),
      Stream.runForEach((chunk) => {
        total += chunk.byteLength
        if (total > maxBytes) return new PayloadTooLarge({ limitBytes: maxBytes })
        chunks.push(chunk)
        return Effect.void
      })
    )
    return Buffer.concat(chunks, total)
  })
