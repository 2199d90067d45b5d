import { createHash } from "node:crypto"
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Duration, Effect, Layer, Redacted } from "effect"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import {
  defaultMediaMaxBytes,
  WhatsAppCloudConfig,
  type WhatsAppCloudSettings
} from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { MediaSource } from "../../application/ports/MediaSource.js"

interface Served {
  /** The size the lookup declares. */
  readonly declared: number
  /** The size the download actually streams, without a Content-Length. */
  readonly actual: number
}

const chunk = new Uint8Array(64 * 1024).fill(0xab)

/** Streams `size` bytes as the socket takes them; answers how many were written before it stopped. */
const stream = (response: ServerResponse, size: number, written: { count: number }) => {
  const more = () => {
    while (written.count < size && !response.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - written.count))
      written.count += part.length
      if (!response.write(part)) return void response.once("drain", more)
    }
    if (!response.destroyed) response.end()
  }
  more()
}

/**
 * Graph's media lookup and its download URL, as Meta documents them (`GET /{media-id}` declares
 * `file_size` as a string; the URL wants the bearer token), on a loopback server of the test.
 */
const mediaHost = (media: Readonly<Record<string, Served>>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly downloads: Array<string>; readonly written: { count: number }; readonly close: () => void }>((resume) => {
      const downloads: Array<string> = []
      const written = { count: 0 }
      const server = createServer((request, response) => {
        const origin = `http://${request.headers.host}`
        const [, first, second] = (request.url ?? "").split("/")
        if (request.headers.authorization !== "Bearer token") return void response.writeHead(401).end()
        const lookedUp = first === "v23.0" && second !== undefined ? media[second] : undefined
        if (lookedUp !== undefined && second !== undefined) {
          const sha256 = createHash("sha256").update(new Uint8Array(lookedUp.actual).fill(0xab)).digest("hex")
          response.writeHead(200, { "content-type": "application/json" })
          return void response.end(
            JSON.stringify({ messaging_product: "whatsapp", url: `${origin}/file/${second}`, mime_type: "image/jpeg", sha256, file_size: String(lookedUp.declared), id: second })
          )
        }
        const file = first === "file" && second !== undefined ? media[second] : undefined
        if (file !== undefined && second !== undefined) {
          downloads.push(second)
          response.writeHead(200, { "content-type": "image/jpeg" })
          return stream(response, file.actual, written)
        }
        response.writeHead(404).end()
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, downloads, written, close: () => server.close() }))
      })
    }),
    (host) => Effect.sync(() => host.close())
  )

const mediaSourceOn = (url: string, mediaMaxBytes: number) => {
  const settings: WhatsAppCloudSettings = {
    apiUrl: `${url}/v23.0`,
    numberId: "1",
    apiKey: Redacted.make("token"),
    throughputPerSecond: 80,
    recipientBurst: 12,
    recipientInterval: Duration.seconds(6),
    retryBase: Duration.millis(10),
    retryAttempts: 1,
    pairBackoffBase: Duration.millis(10),
    pairRetryAttempts: 1,
    requestTimeout: Duration.seconds(10),
    mediaMaxBytes
  }
  return Effect.map(Layer.build(WhatsAppCloud.layer(settings).pipe(Layer.provide(WhatsAppCloudHttpClient), Layer.provide(InMemoryRateBudgets))), (context) =>
    Context.get(context, MediaSource)
  )
}

const mib = 1024 * 1024

describe("media downloads are bounded", () => {
  it.scopedLive("media declared larger than the limit is refused from the lookup, without fetching a byte", () =>
    Effect.gen(function* () {
      const host = yield* mediaHost({ "77": { declared: 77 * mib, actual: 77 * mib } })
      const media = yield* mediaSourceOn(host.url, 2 * mib)
      const error = yield* Effect.flip(media.download("77"))
      expect(error).toMatchObject({ _tag: "MediaTooLarge", mediaId: "77", maxBytes: 2 * mib, declaredBytes: 77 * mib })
      expect(host.downloads).toEqual([])
    }))

  it.scopedLive("a body that runs past the limit whatever was declared is cut off while streaming, holding no more than the limit", () =>
    Effect.gen(function* () {
      const host = yield* mediaHost({ lying: { declared: 1000, actual: 64 * mib } })
      const media = yield* mediaSourceOn(host.url, 2 * mib)
      const error = yield* Effect.flip(media.download("lying"))
      expect(error).toMatchObject({ _tag: "MediaTooLarge", mediaId: "lying", maxBytes: 2 * mib })
      expect(host.downloads).toEqual(["lying"])
      // The connection was dropped: the server got nowhere near the end of the file.
      yield* Effect.sleep("200 millis")
      expect(host.written.count).toBeLessThan(32 * mib)
    }))

  it.scopedLive("media within the limit downloads whole and checked", () =>
    Effect.gen(function* () {
      const host = yield* mediaHost({ photo: { declared: 3 * mib, actual: 3 * mib } })
      const media = yield* mediaSourceOn(host.url, 4 * mib)
      const downloaded = yield* media.download("photo")
      expect(downloaded.bytes.length).toBe(3 * mib)
      expect(downloaded.mimeType).toBe("image/jpeg")
    }))

  it.effect("MEDIA_MAX_DOWNLOAD_BYTES sets the limit; 25 MiB by default; a limit that is not positive is refused", () =>
    Effect.gen(function* () {
      const required = [["WHATSAPP_NUMBER_ID", "1"], ["WHATSAPP_API_KEY", "token"]] as const
      const read = (extra: ReadonlyArray<readonly [string, string]>) =>
        Effect.withConfigProvider(WhatsAppCloudConfig, ConfigProvider.fromMap(new Map([...required, ...extra])))
      expect((yield* read([])).mediaMaxBytes).toBe(defaultMediaMaxBytes)
      expect(defaultMediaMaxBytes).toBe(25 * mib)
      expect((yield* read([["MEDIA_MAX_DOWNLOAD_BYTES", "1048576"]])).mediaMaxBytes).toBe(mib)
      const refused = yield* Effect.flip(read([["MEDIA_MAX_DOWNLOAD_BYTES", "0"]]))
      expect(String(refused)).toContain("MEDIA_MAX_DOWNLOAD_BYTES must be a positive integer")
    }))
})
