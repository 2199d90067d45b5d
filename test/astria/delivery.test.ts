import { randomUUID } from "node:crypto"
import * as http from "node:http"
import { FetchHttpClient } from "@effect/platform"
import { expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Option } from "effect"
import { OrderId } from "../../domain/ids.js"
import type { AstriaUpdate } from "../../application/ports/Astria.js"
import { Astria, TuneSource } from "../../application/ports/Astria.js"
import { callbackUrl, decodeCallback } from "../../adapters/astria/Callbacks.js"
import { generateCallbackToken, verifyCallbackToken } from "../../adapters/astria/CallbackToken.js"
import { reconcileOrder } from "../../application/training/reconcileOrder.js"
import { samplePhoto } from "../../testing/port-suites/AstriaSuite.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"

/**
 * How the pieces compose (the lead's endpoint and reconciler, reduced to a few lines with the
 * ledger in memory): callbacks dropped, repeated or racing the reconciler, every order ends with
 * each prompt's images delivered exactly once.
 */
it.live("dropped, repeated and racing callbacks: every order gets each prompt's images once", () =>
  Effect.gen(function* () {
    const astria = yield* Astria
    const fake = yield* FakeAstria

    const orders = new Map<string, { readonly tokenHash: string }>()
    const delivered = new Map<number, string>()
    const deliveries: Array<{ orderId: string; promptId: number; images: number }> = []
    const accept = (orderId: string, update: AstriaUpdate) => {
      if (update.kind !== "prompts-ready") return
      for (const prompt of update.prompts) {
        if (!prompt.done || prompt.images.length === 0 || delivered.has(prompt.id)) continue
        delivered.set(prompt.id, orderId)
        deliveries.push({ orderId, promptId: prompt.id, images: prompt.images.length })
      }
    }
    const refused: Array<number> = []

    // Our `/pack-tune-received`: token checked against the stored hash, body decoded, applied once.
    const server = http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://bot")
        const orderId = url.searchParams.get("order") ?? ""
        const order = orders.get(orderId)
        if (order === undefined || !verifyCallbackToken(url.searchParams.get("token") ?? "", order.tokenHash)) {
          refused.push(404)
          res.writeHead(404).end()
          return
        }
        const decoded = Effect.runSync(Effect.either(decodeCallback(new Uint8Array(Buffer.concat(chunks)))))
        if (Either.isRight(decoded)) accept(orderId, decoded.right)
        res.writeHead(Either.isRight(decoded) ? 200 : 400).end()
      })
    })
    yield* Effect.acquireRelease(
      Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))),
      () => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
    )
    const address = server.address()
    const publicBaseUrl = `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}`

    const photos = yield* Effect.all([samplePhoto("d1"), samplePhoto("d2"), samplePhoto("d3")])
    const packId = (yield* astria.listPacks)[0]!.id
    const placeOrder = Effect.gen(function* () {
      const orderId = OrderId.make(randomUUID())
      const { hash, token } = yield* generateCallbackToken
      orders.set(orderId, { tokenHash: hash })
      const url = callbackUrl(publicBaseUrl, orderId, token)
      const created = yield* astria.createPackTune({
        orderId,
        packId,
        className: "woman",
        characteristics: {},
        source: TuneSource.photos(photos),
        callbacks: { tune: url, prompts: url }
      })
      return { orderId, tuneId: created.id }
    })

    const dropped = yield* Effect.replicateEffect(placeOrder, 2)
    const repeated = yield* placeOrder
    const racing = yield* placeOrder

    yield* fake.control.dropCallbacks(true)
    yield* Effect.forEach(dropped, (o) => fake.control.complete(o.tuneId))
    yield* fake.control.dropCallbacks(false)
    yield* fake.control.repeatCallbacks(3)
    yield* fake.control.complete(repeated.tuneId)
    yield* fake.control.repeatCallbacks(1)

    const reconcileAll = Effect.forEach(
      [...dropped, repeated, racing],
      (o) =>
        Effect.map(reconcileOrder({ orderId: o.orderId, tuneId: Option.none(), knownPromptIds: [] }), (r) => {
          if (r._tag !== "NotCreated") r.updates.forEach((u) => accept(o.orderId, u))
          return r._tag
        }),
      { concurrency: 4 }
    )
    yield* Effect.all([fake.control.complete(racing.tuneId), reconcileAll], { concurrency: 2 })
    const final = yield* reconcileAll
    expect(final).toEqual(["Complete", "Complete", "Complete", "Complete"])

    const log = yield* fake.control.callbacks
    expect(log.filter((c) => !c.sent)).toHaveLength(4)
    expect(log.filter((c) => c.sent && c.status === 200)).toHaveLength(3 * 2 + 2)

    // A forged callback (right order, wrong token) is refused and changes nothing.
    const before = deliveries.length
    const forged = yield* Effect.promise(() =>
      fetch(callbackUrl(publicBaseUrl, racing.orderId, "guessed"), { method: "POST", body: "[]" }).then((r) => r.status)
    )
    expect([forged, deliveries.length]).toEqual([404, before])

    for (const order of [...dropped, repeated, racing]) {
      const prompts = yield* astria.listPrompts(order.tuneId)
      const mine = deliveries.filter((d) => d.orderId === order.orderId)
      expect(mine.map((d) => d.promptId).sort()).toEqual(prompts.map((p) => p.id).sort())
      expect(mine.reduce((n, d) => n + d.images, 0)).toBe(prompts.reduce((n, p) => n + p.images.length, 0))
    }
    expect(new Set(deliveries.map((d) => d.promptId)).size).toBe(deliveries.length)
  }).pipe(Effect.scoped, Effect.provide(httpAstriaOverFake().pipe(Layer.provide(FetchHttpClient.layer))))
)
