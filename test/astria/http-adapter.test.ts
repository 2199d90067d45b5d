import { randomUUID } from "node:crypto"
import * as http from "node:http"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Scope } from "effect"
import { Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import sharp from "sharp"
import { OrderId, TuneId } from "../../domain/ids.js"
import type { PackTuneRequest } from "../../application/ports/Astria.js"
import { Astria, TuneSource } from "../../application/ports/Astria.js"
import { callbackUrl, decodeCallback } from "../../adapters/astria/Callbacks.js"
import { generateCallbackToken, verifyCallbackToken } from "../../adapters/astria/CallbackToken.js"
import { reconcileOrder } from "../../application/training/reconcileOrder.js"
import { samplePhoto } from "../../testing/port-suites/AstriaSuite.js"
import type { FakeAstriaOptions } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import type { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import { httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"

/** A stand-in for our `/pack-tune-received` endpoint: records every POST it gets. */
interface Received {
  readonly url: URL
  readonly body: Uint8Array
}

const callbackReceiver: Effect.Effect<{ baseUrl: string; received: Array<Received> }, never, Scope.Scope> =
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ baseUrl: string; received: Array<Received>; server: http.Server }>((resolve) => {
          const received: Array<Received> = []
          const server = http.createServer((req, res) => {
            const chunks: Array<Buffer> = []
            req.on("data", (c: Buffer) => chunks.push(c))
            req.on("end", () => {
              received.push({ url: new URL(req.url ?? "/", "http://receiver"), body: new Uint8Array(Buffer.concat(chunks)) })
              res.writeHead(200).end()
            })
          })
          server.listen(0, "127.0.0.1", () => {
            const address = server.address()
            const port = address !== null && typeof address === "object" ? address.port : 0
            resolve({ baseUrl: `http://127.0.0.1:${port}/hooks`, received, server })
          })
        })
    ),
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
  )

const withAstria = <A, E>(
  body: Effect.Effect<A, E, Astria | FakeAstria | Scope.Scope>,
  options: { readonly fake?: FakeAstriaOptions; readonly config?: Partial<AstriaHttpConfig> } = {}
) => Effect.scoped(body).pipe(Effect.provide(httpAstriaOverFake(options).pipe(Layer.provide(FetchHttpClient.layer))))

const order = (source?: TuneSource, callbacks?: PackTuneRequest["callbacks"]) =>
  Effect.gen(function* () {
    const photos = yield* Effect.all([samplePhoto("p1"), samplePhoto("p2"), samplePhoto("p3")])
    const request: PackTuneRequest = {
      orderId: OrderId.make(randomUUID()),
      packId: yield* Effect.map((yield* Astria).listPacks, (packs) => (packs.find((pack) => pack.slug === "corporate-headshots") ?? packs[0]!).id),
      className: "man",
      characteristics: { eye_color: "brown", hair_color: "black" },
      source: source ?? TuneSource.photos(photos),
      callbacks: callbacks ?? { tune: "http://127.0.0.1:9/none", prompts: "http://127.0.0.1:9/none" }
    }
    return request
  })

const createPosts = Effect.map(FakeAstria, (fake) =>
  Effect.map(fake.control.requests, (rs) => rs.filter((r) => r.method === "POST" && /^\/p\/\d+\/tunes$/.test(r.path)))
)

describe("Astria HTTP adapter against the fake", () => {
  it.live("a 504 on create, then retries, creates exactly one tune", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const request = yield* order()
        yield* fake.control.inject({ status: 504, method: "POST", path: "/p/", times: 2 })
        const created = yield* astria.createPackTune(request)
        const tunes = (yield* fake.control.tunes).filter((t) => t.title === request.orderId)
        expect(tunes.map((t) => t.id)).toEqual([created.id])
        // The first POST went through behind its 504; the lookup found it, so no second POST.
        expect((yield* yield* createPosts).map((r) => r.status)).toEqual([504])
      })
    )
  )

  it.live("429 and 500 on create are retried, and the tune is created once", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const request = yield* order()
        yield* fake.control.inject({ status: 500, method: "POST", path: "/p/" })
        yield* fake.control.inject({ status: 429, method: "POST", path: "/p/" })
        const created = yield* astria.createPackTune(request)
        expect((yield* fake.control.tunes).filter((t) => t.title === request.orderId).map((t) => t.id)).toEqual([
          created.id
        ])
        expect((yield* yield* createPosts).map((r) => r.status)).toEqual([500, 429, 201])
      })
    )
  )

  it.live("429 and 500 on reads are retried with backoff", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        yield* fake.control.inject({ status: 429, method: "GET", path: "/packs" })
        yield* fake.control.inject({ status: 500, method: "GET", path: "/packs" })
        const packs = yield* astria.listPacks
        expect(packs.length).toBeGreaterThan(0)
        const statuses = (yield* fake.control.requests).filter((r) => r.path === "/packs").map((r) => r.status)
        expect(statuses).toEqual([429, 500, 200])
      })
    )
  )

  it.live("retries give up after the configured number, with a typed error", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        yield* fake.control.inject({ status: 500, method: "GET", path: "/packs", times: 10 })
        const error = yield* Effect.flip(astria.listPacks)
        expect(error._tag).toBe("AstriaUnavailable")
        expect((yield* fake.control.requests).filter((r) => r.path === "/packs")).toHaveLength(3)
      }),
      { config: { maxRetries: 2 } }
    )
  )

  it.live("a 422 is typed, keeps the raw body, and is not retried (both body shapes)", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const request = yield* order()
        yield* fake.control.inject({ status: 422, method: "POST", path: "/p/", body: '{"error":"Pack is not available"}' })
        const plain = yield* Effect.flip(astria.createPackTune(request))
        expect(plain).toMatchObject({ _tag: "AstriaValidationError", raw: '{"error":"Pack is not available"}' })
        expect(plain._tag === "AstriaValidationError" ? plain.messages : []).toEqual(["Pack is not available"])
        expect(yield* yield* createPosts).toHaveLength(1)

        const rails = '{"images":["is too small","must be at least 4"],"name":["is invalid"]}'
        yield* fake.control.inject({ status: 422, method: "POST", path: "/p/", body: rails })
        const fields = yield* Effect.flip(astria.createPackTune(request))
        expect(fields).toMatchObject({ _tag: "AstriaValidationError", raw: rails })
        expect(fields._tag === "AstriaValidationError" ? fields.messages : []).toEqual([
          "images: is too small",
          "images: must be at least 4",
          "name: is invalid"
        ])
        expect(yield* yield* createPosts).toHaveLength(2)
        expect((yield* fake.control.tunes).filter((t) => t.title === request.orderId)).toHaveLength(0)
      })
    )
  )

  it.live("the multipart body carries Rails keys, repeated for arrays, and branch=fast in test mode", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const request = yield* order(undefined, { tune: "http://cb/tune", prompts: "http://cb/prompts" })
        const created = yield* astria.createPackTune(request)
        const [post] = yield* yield* createPosts
        expect(post?.contentType).toMatch(/^multipart\/form-data; boundary=/)
        expect(post?.fields).toEqual({
          "tune[title]": [request.orderId],
          "tune[name]": ["man"],
          "tune[branch]": ["fast"],
          "tune[callback]": ["http://cb/tune"],
          "tune[prompts_callback]": ["http://cb/prompts"],
          "tune[characteristics][eye_color]": ["brown"],
          "tune[characteristics][hair_color]": ["black"]
        })
        expect(post?.files.map((f) => [f.field, f.fileName, f.type])).toEqual([
          ["tune[images][]", "p1.jpg", "image/jpeg"],
          ["tune[images][]", "p2.jpg", "image/jpeg"],
          ["tune[images][]", "p3.jpg", "image/jpeg"]
        ])
        yield* fake.control.complete(created.id)
        const prompts = yield* fake.control.promptsOf(created.id)
        // Characteristics fill the pack's {{placeholders}}, as on Astria.
        expect(prompts[0]?.text).toContain("brown eyes")

        const reuse = yield* order(TuneSource.savedTunes([created.id, created.id]))
        yield* astria.createPackTune(reuse)
        const reusePost = (yield* yield* createPosts)[1]
        expect(reusePost?.fields["tune[tune_ids][]"]).toEqual([String(created.id), String(created.id)])
        expect(reusePost?.files).toEqual([])
      })
    )
  )

  it.live("without the account's idempotency a blind second POST pays twice; with it, it does not", () =>
    Effect.gen(function* () {
      const post = (fake: { baseUrl: string; apiKey: string }, title: string) =>
        Effect.promise(() =>
          fetch(`${fake.baseUrl}/p/260/tunes`, {
            method: "POST",
            headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({ tune: { title, name: "man", image_urls: ["https://example.test/a"] } })
          }).then((r) => r.arrayBuffer())
        )
      const count = (idempotentTitles: boolean) =>
        withAstria(
          Effect.gen(function* () {
            const fake = yield* FakeAstria
            yield* post(fake, "same-title")
            yield* post(fake, "same-title")
            return (yield* fake.control.tunes).length
          }),
          { fake: { idempotentTitles } }
        )
      expect(yield* count(false)).toBe(2)
      expect(yield* count(true)).toBe(1)
    })
  )

  it.live("outside test mode no branch is sent", () =>
    withAstria(
      Effect.gen(function* () {
        yield* (yield* Astria).createPackTune(yield* order())
        const [post] = yield* yield* createPosts
        expect(post?.fields["tune[branch]"]).toBeUndefined()
      }),
      { config: { testMode: false } }
    )
  )

  it.live("a wrong API key is AstriaUnauthorized", () =>
    withAstria(
      Effect.gen(function* () {
        const error = yield* Effect.flip((yield* Astria).listPacks)
        expect(error._tag).toBe("AstriaUnauthorized")
      }),
      { config: { apiKey: Redacted.make("a-revoked-key") } }
    )
  )

  it.live("the fake also takes JSON bodies", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const title = randomUUID()
        const response = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/p/260/tunes`, {
            method: "POST",
            headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({
              tune: { title, name: "woman", branch: "fast", image_urls: ["https://example.test/a", "https://example.test/b"] }
            })
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }))
        )
        expect(response.status).toBe(201)
        expect(response.body).toMatchObject({ title, name: "woman", branch: "fast", trained_at: null })
        const found = yield* (yield* Astria).findTuneByTitle(OrderId.make(title))
        expect(Option.isSome(found)).toBe(true)
      })
    )
  )

  it.live("a title is found beyond the first page of tunes", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const astria = yield* Astria
        const oldest = yield* order()
        const created = yield* astria.createPackTune(oldest)
        for (let i = 0; i < 130; i++) {
          yield* Effect.promise(() =>
            fetch(`${fake.baseUrl}/p/260/tunes`, {
              method: "POST",
              headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
              body: JSON.stringify({ tune: { title: `filler-${i}`, name: "man", image_urls: ["https://example.test/x"] } })
            }).then((r) => r.arrayBuffer())
          )
        }
        const found = yield* astria.findTuneByTitle(oldest.orderId)
        expect(Option.map(found, (t) => t.id)).toEqual(Option.some(created.id))
        const lookups = (yield* fake.control.requests).filter((r) => r.method === "GET" && r.path === "/tunes")
        expect(lookups.at(-1)?.query["before_id"]).toBeDefined()
      })
    )
  )

  it.live("callbacks arrive wrapped at our URL and decode into the delivery", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const receiver = yield* callbackReceiver
        const { hash, token } = yield* generateCallbackToken
        const orderId = OrderId.make(randomUUID())
        const url = callbackUrl(receiver.baseUrl, orderId, token)
        const request = { ...(yield* order(undefined, { tune: url, prompts: url })), orderId }
        const created = yield* astria.createPackTune(request)
        yield* fake.control.complete(created.id)

        expect(receiver.received).toHaveLength(2)
        for (const { url: at } of receiver.received) {
          expect(at.pathname).toBe("/hooks/pack-tune-received")
          expect(at.searchParams.get("order")).toBe(orderId)
          expect(verifyCallbackToken(at.searchParams.get("token") ?? "", hash)).toBe(true)
        }
        const [tuneBody, promptsBody] = receiver.received.map((r) => new TextDecoder().decode(r.body))
        expect(JSON.parse(tuneBody ?? "null")).toHaveProperty("tune.id", created.id)
        expect(Array.isArray(JSON.parse(promptsBody ?? "null"))).toBe(true)

        const trained = yield* decodeCallback(receiver.received[0]!.body)
        expect(trained.kind).toBe("tune-trained")
        expect(trained.kind === "tune-trained" && trained.tune.title).toBe(orderId)
        const ready = yield* decodeCallback(receiver.received[1]!.body)
        if (ready.kind !== "prompts-ready") return yield* Effect.die("expected prompts-ready")
        expect(ready.prompts.length).toBeGreaterThan(0)
        expect(ready.prompts.every((p) => p.done && p.images.length === 4)).toBe(true)
        // A pack prompt's tune_id is the base model, so correlation rests on our query string.
        expect(JSON.parse(promptsBody ?? "[]")[0].tune_id).not.toBe(created.id)
      })
    )
  )

  it.live("repeated callbacks arrive more than once", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const receiver = yield* callbackReceiver
        const url = `${receiver.baseUrl}/pack-tune-received?order=o&token=t`
        yield* fake.control.repeatCallbacks(3)
        const created = yield* (yield* Astria).createPackTune(yield* order(undefined, { tune: url, prompts: url }))
        yield* fake.control.complete(created.id)
        expect(receiver.received).toHaveLength(6)
      })
    )
  )

  it.live("with callbacks dropped, polling gives what the callbacks would have carried", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const receiver = yield* callbackReceiver
        const url = `${receiver.baseUrl}/pack-tune-received?order=o&token=t`
        yield* fake.control.dropCallbacks(true)
        const request = yield* order(undefined, { tune: url, prompts: url })
        yield* (yield* Astria).createPackTune(request)
        const created = Option.getOrThrow(yield* (yield* Astria).findTuneByTitle(request.orderId))
        yield* fake.control.complete(created.id)
        expect(receiver.received).toHaveLength(0)

        // The reconciler only knows the order id (say the create's answer was lost too).
        const outcome = yield* reconcileOrder({ orderId: request.orderId, tuneId: Option.none(), knownPromptIds: [] })
        if (outcome._tag !== "Complete") return yield* Effect.die(`expected Complete, got ${outcome._tag}`)
        const lost = yield* Effect.forEach(yield* fake.control.callbacks, (c) =>
          decodeCallback(new TextEncoder().encode(c.body))
        )
        expect(lost.map((u) => u.kind)).toEqual(["tune-trained", "prompts-ready"])
        const [, polledPrompts] = outcome.updates
        const [, lostPrompts] = lost
        expect(polledPrompts).toEqual(lostPrompts)
        expect(outcome.tune.id).toBe(created.id)
      })
    )
  )

  it.live("per-prompt callbacks arrive as {\"prompt\": ...} and decode too", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const receiver = yield* callbackReceiver
        const url = `${receiver.baseUrl}/pack-tune-received?order=o&token=t`
        const created = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/p/261/tunes`, {
            method: "POST",
            headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({
              tune: { title: randomUUID(), name: "woman", image_urls: ["https://example.test/a"], prompt_attributes: { callback: url } }
            })
          }).then(async (r) => Schema.decodeUnknownSync(Schema.Struct({ id: Schema.Int }))(await r.json()))
        )
        yield* fake.control.complete(created.id)
        const updates = yield* Effect.forEach(receiver.received, (r) => decodeCallback(r.body))
        expect(updates).toHaveLength(3)
        expect(updates.every((u) => u.kind === "prompts-ready" && u.prompts.length === 1 && u.prompts[0]!.images.length === 8)).toBe(true)
      })
    )
  )

  it.live("a pack with more prompts than a page lists them all", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const created = yield* astria.createPackTune(yield* order())
        yield* fake.control.complete(created.id)
        const prompts = yield* astria.listPrompts(created.id)
        expect(prompts).toHaveLength(45)
        expect(new Set(prompts.map((p) => p.id)).size).toBe(45)
        const pages = (yield* fake.control.requests).filter((r) => r.path === `/tunes/${created.id}/prompts`)
        expect(pages.map((r) => r.query["offset"])).toEqual(["0", "20", "40", "45"])
      }),
      {
        fake: {
          packs: [
            {
              id: 900,
              slug: "big-pack",
              title: "Big pack",
              baseTuneId: 1,
              prompts: { man: Array.from({ length: 45 }, (_, i) => `prompt ${i}`) },
              imagesPerPrompt: 1,
              costCents: 100,
              listed: true,
              gallery: false
            }
          ]
        }
      }
    )
  )

  it.live("the tune moves along by the fake's clock, callbacks and all", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const receiver = yield* callbackReceiver
        const url = `${receiver.baseUrl}/pack-tune-received?order=o&token=t`
        const created = yield* astria.createPackTune(yield* order(undefined, { tune: url, prompts: url }))
        // The fake's own timers move the tune: wait for what they do, however slow the machine,
        // then read in the fake's timestamps that it trained by its clock, not at once.
        const soon = Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds"))
        const trained = yield* astria.getTune(TuneId.make(created.id)).pipe(
          Effect.filterOrFail((tune) => tune.status === "trained", () => "still training"),
          Effect.retry(soon)
        )
        const eta = Option.getOrThrow(created.eta).getTime()
        // A timer of 100 ms may fire a millisecond early by the wall clock.
        expect(Option.getOrThrow(trained.trainedAt).getTime()).toBeGreaterThanOrEqual(eta - 1)
        yield* Effect.sync(() => receiver.received.length).pipe(
          Effect.filterOrFail((posted) => posted >= 2, () => "callbacks still to come"),
          Effect.retry(soon)
        )
        const [tuneBody, promptsBody] = receiver.received.map((r) => new TextDecoder().decode(r.body))
        expect(receiver.received).toHaveLength(2)
        expect(JSON.parse(tuneBody ?? "null")).toHaveProperty("tune.id", created.id)
        expect(Array.isArray(JSON.parse(promptsBody ?? "null"))).toBe(true)
      }),
      { fake: { clock: { trainingMs: 100, renderMs: 100 } } }
    )
  )

  it.live("prompt images are real JPEGs behind extensionless URLs", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const created = yield* astria.createPackTune(yield* order())
        yield* fake.control.complete(created.id)
        const [prompt] = yield* astria.listPrompts(created.id)
        const imageUrl = prompt!.images[0]!
        expect(new URL(imageUrl).pathname).not.toMatch(/\.\w+$/)
        const bytes = yield* Effect.promise(() => fetch(imageUrl).then(async (r) => new Uint8Array(await r.arrayBuffer())))
        expect(Array.from(bytes.subarray(0, 3))).toEqual([0xff, 0xd8, 0xff])
        const meta = yield* Effect.promise(() => sharp(bytes).metadata())
        expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 512, 512])
        const again = yield* Effect.promise(() => fetch(imageUrl).then(async (r) => new Uint8Array(await r.arrayBuffer())))
        expect(again).toEqual(bytes)

        const pack = yield* astria.getPack((yield* astria.listPacks)[0]!.id)
        const cover = Option.getOrThrow(pack.coverUrl)
        const coverBytes = yield* Effect.promise(() => fetch(cover).then(async (r) => new Uint8Array(await r.arrayBuffer())))
        expect(Array.from(coverBytes.subarray(0, 2))).toEqual([0xff, 0xd8])
      })
    )
  )

  it.live("inspection answers deterministically, flags small photos, refuses non-images", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const photo = yield* samplePhoto("inspect")
        const first = yield* astria.inspectPhoto(photo, "man")
        const second = yield* astria.inspectPhoto(photo, "man")
        expect(second).toEqual(first)
        expect(first.className).toBe("man")
        // Only documented values, "NONE" (does not apply) left out (docs/api/4-images/1-inspect.md).
        expect(Object.keys(first.characteristics)).toEqual(expect.arrayContaining(["age", "ethnicity", "eye_color", "hair_color"]))
        expect(Object.values(first.characteristics)).not.toContain("NONE")
        expect(first.characteristics["eye_color"]).toMatch(/ eyes$/)
        // Asked about a class Astria does not know, it finds no one.
        expect((yield* astria.inspectPhoto(photo, "person")).className).toBe("")
        const small = yield* Effect.promise(() => sharp({ create: { width: 200, height: 200, channels: 3, background: "#888" } }).jpeg().toBuffer())
        const tiny = yield* astria.inspectPhoto({ bytes: new Uint8Array(small), contentType: "image/jpeg", fileName: "s.jpg" }, "man")
        expect(tiny.lowResolution).toBe(true)
        const junk = yield* Effect.flip(
          astria.inspectPhoto({ bytes: new TextEncoder().encode("not an image"), contentType: "image/jpeg", fileName: "x.jpg" }, "man")
        )
        expect(junk._tag).toBe("AstriaValidationError")

        const fake = yield* FakeAstria
        yield* fake.control.setInspection((input) => ({ name: input.name, wearing_sunglasses: true, blurry: "true" }))
        const shaded = yield* astria.inspectPhoto(photo, "man")
        expect([shaded.sunglasses, shaded.blurry, shaded.hat]).toEqual([true, true, false])
      })
    )
  )

  it.live("likes are recorded on the fake", () =>
    withAstria(
      Effect.gen(function* () {
        const astria = yield* Astria
        const fake = yield* FakeAstria
        const created = yield* astria.createPackTune(yield* order())
        yield* fake.control.complete(created.id)
        const prompts = yield* astria.listPrompts(created.id)
        yield* Effect.forEach(prompts, (p) => astria.likePrompt(p.id))
        expect(yield* fake.control.likes).toEqual(prompts.map((p) => p.id))
      })
    )
  )
})
