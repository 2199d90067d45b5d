import { randomBytes } from "node:crypto"
import * as http from "node:http"
import { FetchHttpClient } from "@effect/platform"
import { afterAll, beforeAll, describe, expect, it, layer } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either, Layer } from "effect"
import sharp from "sharp"
import { MediaPreparer } from "../../application/ports/MediaPreparer.js"
import { boundedDownload } from "../../adapters/http-fetch/boundedDownload.js"
import { MediaPrepareConfig, sharpMediaPreparerLayer } from "../../adapters/sharp/SharpMediaPreparer.js"
import { mediaSizeLimits } from "../../contracts/whatsapp/Send.js"

const MB = 1024 * 1024

/** An ISO media file as a phone or ffmpeg writes it: `ftyp` with its brands, then `free` and `mdat` boxes. */
const isoMedia = (size: number, brands: ReadonlyArray<string> = ["isom", "iso2", "avc1", "mp41"]) => {
  const ascii = (text: string) => Buffer.from(text, "latin1")
  const box = (type: string, body: Buffer) => {
    const header = Buffer.alloc(8)
    header.writeUInt32BE(8 + body.length)
    ascii(type).copy(header, 4)
    return Buffer.concat([header, body])
  }
  const ftyp = box("ftyp", Buffer.concat([ascii(brands[0] ?? "isom"), Buffer.from([0, 0, 2, 0]), ascii(brands.join(""))]))
  const head = Buffer.concat([ftyp, box("free", Buffer.alloc(0))])
  return Buffer.concat([head, box("mdat", randomBytes(Math.max(0, size - head.length - 8)))])
}

const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

interface Route {
  readonly body: Buffer
  readonly contentType?: string
  readonly status?: number
  /** Sent without Content-Length, in chunks. */
  readonly chunked?: boolean
  /** Headers only, the body never comes. */
  readonly stall?: boolean
  /** Claims this Content-Length. */
  readonly declaredLength?: number
}

const routes = new Map<string, Route>()
const server = http.createServer((req, res) => {
  const route = routes.get(req.url ?? "")
  if (route === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end("Not Found")
  const headers: Record<string, string> = { "content-type": route.contentType ?? "application/octet-stream" }
  if (route.declaredLength !== undefined) headers["content-length"] = String(route.declaredLength)
  else if (route.chunked !== true) headers["content-length"] = String(route.body.length)
  res.writeHead(route.status ?? 200, headers)
  if (route.stall === true) return void res.flushHeaders()
  if (route.chunked === true) {
    for (let at = 0; at < route.body.length; at += 1000) res.write(route.body.subarray(at, at + 1000))
    return void res.end()
  }
  res.end(route.body)
})
let base = ""

const portOf = (listening: http.Server) => {
  const address = listening.address()
  return address !== null && typeof address === "object" ? address.port : 0
}

const fixtures = {
  smallPng: () => sharp({ create: { width: 640, height: 480, channels: 3, background: "#3366aa" } }).png().toBuffer(),
  // Noise does not compress: about 23 MB as PNG, and still more than 5 MB as a JPEG of quality 88.
  bigPng: () => {
    const [width, height] = [3000, 2500]
    return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer()
  },
  transparentWebp: () => sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).webp().toBuffer()
}

let smallPng: Buffer
let bigPng: Buffer

beforeAll(async () => {
  smallPng = await fixtures.smallPng()
  bigPng = await fixtures.bigPng()
  const webp = await fixtures.transparentWebp()
  // Astria's links have no extension; Content-Types are whatever the host says.
  routes.set("/files/prompt-1-0", { body: smallPng, contentType: "text/html" })
  routes.set("/files/mislabelled.webp", { body: smallPng, contentType: "image/webp" })
  routes.set("/files/big", { body: bigPng })
  routes.set("/files/sticker", { body: webp })
  routes.set("/files/clip", { body: isoMedia(64 * 1024), contentType: "application/octet-stream" })
  routes.set("/files/long-clip", { body: isoMedia(17 * MB) })
  routes.set("/files/movie", { body: isoMedia(64 * 1024, ["qt  "]) })
  routes.set("/files/report", { body: pdf })
  routes.set("/files/fake-png", { body: Buffer.concat([smallPng.subarray(0, 8), randomBytes(2000)]) })
  routes.set("/files/empty", { body: Buffer.alloc(0) })
  routes.set("/files/busy", { body: Buffer.from("try later"), status: 503 })
  routes.set("/files/throttled", { body: Buffer.from("slow down"), status: 429 })
  routes.set("/files/forbidden", { body: Buffer.from("no"), status: 403 })
  routes.set("/files/stalls", { body: Buffer.alloc(0), stall: true, chunked: true })
  routes.set("/files/endless", { body: randomBytes(50_000), chunked: true })
  routes.set("/files/claims-huge", { body: randomBytes(100), declaredLength: 101 * MB })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${portOf(server)}`
}, 60_000)

afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})

const config = Effect.runSync(MediaPrepareConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromJson({ MEDIA_FETCH_TIMEOUT: "1 second" }))))
const preparer = sharpMediaPreparerLayer(config).pipe(Layer.provide(FetchHttpClient.layer))

const prepare = (path: string) => Effect.flatMap(MediaPreparer, (media) => media.prepare(`${base}${path}`))
const failure = (path: string) =>
  Effect.map(Effect.flip(prepare(path)), (error) => error._tag)

// Live services: the downloads' timeouts run on the real clock.
describe("media links", () => {
  layer(preparer, { timeout: 60_000, excludeTestServices: true })("sharp MediaPreparer over HTTP", (it) => {
    it.effect("a PNG behind a link without extension, labelled text/html, is sent as it is", () =>
      Effect.gen(function* () {
        const media = yield* prepare("/files/prompt-1-0")
        expect(media).toMatchObject({ kind: "image", mimeType: "image/png", fileName: "prompt-1-0.png" })
        expect(Buffer.from(media.bytes).equals(smallPng)).toBe(true)
      }))

    it.effect("the bytes, not the extension nor the Content-Type, name the type", () =>
      Effect.gen(function* () {
        const media = yield* prepare("/files/mislabelled.webp")
        expect(media).toMatchObject({ kind: "image", mimeType: "image/png", fileName: "mislabelled.png" })
      }))

    it.effect("a PNG over 5 MB becomes a JPEG within 5 MB, same picture size or smaller", () =>
      Effect.gen(function* () {
        expect(bigPng.length).toBeGreaterThan(mediaSizeLimits.image)
        const media = yield* prepare("/files/big")
        expect(media).toMatchObject({ kind: "image", mimeType: "image/jpeg", fileName: "big.jpg" })
        expect(media.bytes.length).toBeLessThanOrEqual(mediaSizeLimits.image)
        const header = yield* Effect.promise(() => sharp(media.bytes).metadata())
        expect(header.format).toBe("jpeg")
        expect(Math.max(header.width, header.height)).toBeLessThanOrEqual(3000)
      }), 60_000)

    it.effect("a WebP (with alpha) becomes a JPEG flattened onto white", () =>
      Effect.gen(function* () {
        const media = yield* prepare("/files/sticker")
        expect(media).toMatchObject({ kind: "image", mimeType: "image/jpeg", fileName: "sticker.jpg" })
        const { data, info } = yield* Effect.promise(() => sharp(media.bytes).raw().toBuffer({ resolveWithObject: true }))
        expect([info.width, info.height, info.channels]).toEqual([300, 200, 3])
        expect(data.reduce((darkest, value) => Math.min(darkest, value), 255)).toBeGreaterThan(240)
      }))

    it.effect("an MP4 within 16 MB is a video; over 16 MB, or QuickTime, a document", () =>
      Effect.gen(function* () {
        expect(yield* prepare("/files/clip")).toMatchObject({ kind: "video", mimeType: "video/mp4", fileName: "clip.mp4" })
        const long = yield* prepare("/files/long-clip")
        expect(long).toMatchObject({ kind: "document", mimeType: "application/octet-stream", fileName: "long-clip.mp4" })
        expect(long.bytes.length).toBe(17 * MB)
        expect(yield* prepare("/files/movie")).toMatchObject({ kind: "document", fileName: "movie.bin" })
      }))

    it.effect("anything else within 100 MB is a document: a PDF, bytes that only start like a PNG", () =>
      Effect.gen(function* () {
        const report = yield* prepare("/files/report")
        expect(report).toMatchObject({ kind: "document", mimeType: "application/pdf", fileName: "report.pdf" })
        expect(Buffer.from(report.bytes).equals(pdf)).toBe(true)
        expect(yield* prepare("/files/fake-png")).toMatchObject({ kind: "document", mimeType: "application/octet-stream", fileName: "fake-png.png" })
      }))

    it.effect("gone, refused, empty, over 100 MB or not http: unusable", () =>
      Effect.gen(function* () {
        expect(yield* failure("/files/nothing-here")).toBe("MediaUnusable")
        expect(yield* failure("/files/forbidden")).toBe("MediaUnusable")
        expect(yield* failure("/files/empty")).toBe("MediaUnusable")
        expect(yield* failure("/files/claims-huge")).toBe("MediaUnusable")
        const notHttp = yield* Effect.flip(Effect.flatMap(MediaPreparer, (media) => media.prepare("file:///etc/passwd")))
        expect(notHttp._tag).toBe("MediaUnusable")
      }))

    it.effect("busy, throttled, too slow or down: unreachable, worth a retry", () =>
      Effect.gen(function* () {
        expect(yield* failure("/files/busy")).toBe("MediaUnreachable")
        expect(yield* failure("/files/throttled")).toBe("MediaUnreachable")
        expect(yield* failure("/files/stalls")).toBe("MediaUnreachable")
        const closed = http.createServer()
        yield* Effect.promise(() => new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve)))
        const port = portOf(closed)
        yield* Effect.promise(() => new Promise<void>((resolve) => closed.close(() => resolve())))
        const down = yield* Effect.flip(Effect.flatMap(MediaPreparer, (media) => media.prepare(`http://127.0.0.1:${port}/files/x`)))
        expect(down._tag).toBe("MediaUnreachable")
      }))
  })
})

describe("boundedDownload", () => {
  const fetchCapped = (path: string, maxBytes: number) =>
    boundedDownload(`${base}${path}`, { timeout: Duration.seconds(2), maxBytes }).pipe(Effect.either, Effect.provide(FetchHttpClient.layer))

  it.live("stops reading at the cap even without a Content-Length", () =>
    Effect.gen(function* () {
      const capped = yield* fetchCapped("/files/endless", 10_000)
      expect(Either.isLeft(capped) && capped.left._tag).toBe("DownloadRefused")
      const whole = yield* fetchCapped("/files/endless", 50_000)
      expect(Either.isRight(whole) && whole.right.length).toBe(50_000)
    }))
})
