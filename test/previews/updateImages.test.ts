import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Packs } from "../../application/ports/Packs.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"
import { waitForPreviews } from "./waitForPreviews.js"

const adminToken = "operator-token-for-tests"

/** A POST to /update-images over the bot's real socket; answers the status and body. */
const updateImages = (authorization?: string) =>
  Effect.flatMap(HarnessBot, ({ baseUrl }) =>
    Effect.promise(async () => {
      const response = await fetch(`${baseUrl}/update-images`, {
        method: "POST",
        headers: authorization === undefined ? {} : { authorization }
      })
      return { status: response.status, body: await response.text() }
    })
  )

const previewsNow = Effect.flatMap(Packs, (packs) => packs.list).pipe(
  Effect.map((packs) => new Map(packs.flatMap((pack) => Object.entries(pack.previews).map(([c, id]) => [`${pack.id}:${c}`, id]))))
)

describe("POST /update-images", () => {
  layer(harnessBot({ storage: InMemoryStorage, settings: { ADMIN_TOKEN: adminToken } }), {
    timeout: 60_000,
    excludeTestServices: true
  })("with ADMIN_TOKEN set", (it) => {
    it.effect("refuses a request without the bearer token, or with another, with 401", () =>
      Effect.gen(function* () {
        for (const authorization of [undefined, "Bearer ", `Bearer ${adminToken}x`, `Bearer ${adminToken.slice(1)}`, adminToken, `Basic ${adminToken}`]) {
          const answer = yield* updateImages(authorization)
          expect(answer.status, String(authorization)).toBe(401)
          expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ _tag: "Unauthenticated" }))
        }
      })
    )

    it.effect("answers 202 at once and rebuilds every preview in the background", () =>
      Effect.gen(function* () {
        // The previews of the start-up sync first, so that the forced rebuild is told apart.
        yield* waitForPreviews()
        const before = yield* previewsNow
        expect(before.size).toBe(6)

        const answer = yield* updateImages(`Bearer ${adminToken}`)
        expect(answer.status).toBe(202)
        expect(JSON.parse(answer.body)).toEqual({ status: "accepted" })

        yield* waitForPreviews((pack, className, mediaId) => mediaId !== before.get(`${pack.id}:${className}`))
        expect((yield* previewsNow).size).toBe(6)
      })
    )

    it.effect("is documented in the OpenAPI document, behind a bearer scheme", () =>
      Effect.gen(function* () {
        const { baseUrl } = yield* HarnessBot
        const document = yield* Effect.promise(() => fetch(`${baseUrl}/docs/openapi.json`).then((r) => r.json() as Promise<unknown>))
        expect(document).toEqual(
          expect.objectContaining({
            paths: expect.objectContaining({
              "/update-images": {
                post: expect.objectContaining({
                  security: [{ bearer: [] }],
                  responses: expect.objectContaining({ "202": expect.anything(), "401": expect.anything(), "503": expect.anything() })
                })
              }
            })
          })
        )
      })
    )
  })

  // An empty value, as left in a copied .env, is no token at all.
  layer(harnessBot({ storage: InMemoryStorage, settings: { ADMIN_TOKEN: "" } }), {
    timeout: 60_000,
    excludeTestServices: true
  })("without ADMIN_TOKEN", (it) => {
    it.effect("answers 503, whatever bearer token is sent", () =>
      Effect.gen(function* () {
        for (const authorization of [undefined, "Bearer ", "Bearer anything"]) {
          const answer = yield* updateImages(authorization)
          expect(answer.status, String(authorization)).toBe(503)
          expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ _tag: "AdminDisabled" }))
        }
      })
    )
  })
})
