import { expect, layer } from "@effect/vitest"
import type { Layer } from "effect"
import { Effect } from "effect"
import { MediaSource } from "../../application/ports/MediaSource.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { MediaRef, OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { freshPerson } from "./MessengerSuite.js"
import { MediaProbe } from "./Probes.js"

/**
 * The contract of the MediaSource port, with the Messenger's upload: what a person sent can be
 * downloaded and checked, and what the bot uploads can be sent and downloaded back.
 */

export { MediaProbe, type MediaProbeService } from "./Probes.js"

let sequence = 0
const photoBytes = () => {
  sequence += 1
  return Uint8Array.from({ length: 2048 }, (_, n) => (n * 31 + sequence) % 256)
}

export const mediaSourceSuite = <E>(name: string, adapter: Layer.Layer<MediaSource | Messenger | MediaProbe, E>) =>
  layer(adapter, { excludeTestServices: true })(`MediaSource contract: ${name}`, (it) => {
    it.effect("downloads what a person sent, with its type and SHA-256", () =>
      Effect.gen(function* () {
        const source = yield* MediaSource
        const bytes = photoBytes()
        const id = yield* (yield* MediaProbe).put(bytes, "image/jpeg")
        const media = yield* source.download(id)
        expect(media.bytes).toEqual(bytes)
        expect(media.mimeType).toBe("image/jpeg")
        expect(media.sha256).toMatch(/^[0-9a-f]{64}$/)
      }))

    it.effect("checks the bytes against the SHA-256 announced in the webhook (base64) or in hex", () =>
      Effect.gen(function* () {
        const source = yield* MediaSource
        const bytes = photoBytes()
        const id = yield* (yield* MediaProbe).put(bytes, "image/png")
        const { sha256 } = yield* source.download(id)
        const base64 = Buffer.from(sha256, "hex").toString("base64")
        yield* source.download(id, { expectedSha256: base64 })
        yield* source.download(id, { expectedSha256: sha256.toUpperCase() })
        const wrong = yield* Effect.flip(source.download(id, { expectedSha256: Buffer.alloc(32).toString("base64") }))
        expect(wrong._tag).toBe("MediaIntegrityFailed")
      }))

    it.effect("fails with MediaNotFound for an unknown id", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip((yield* MediaSource).download("999000111222333"))
        expect(error._tag).toBe("MediaNotFound")
      }))

    it.effect("what the bot uploads can be sent by id and downloaded back", () =>
      Effect.gen(function* () {
        const messenger = yield* Messenger
        const bytes = photoBytes()
        const id = yield* messenger.uploadMedia(bytes, "image/jpeg")
        yield* messenger.send(freshPerson(), OutgoingMessage.Image({ media: MediaRef.Uploaded({ mediaId: id }), caption: "Your headshot" }))
        const media = yield* (yield* MediaSource).download(id)
        expect(media.bytes).toEqual(bytes)
      }))
  })
