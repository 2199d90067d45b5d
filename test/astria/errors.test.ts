import { randomUUID } from "node:crypto"
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Scope } from "effect"
import { Effect, Layer } from "effect"
import { OrderId, TuneId } from "../../domain/ids.js"
import type { AstriaError, PackTuneRequest } from "../../application/ports/Astria.js"
import { Astria, TuneSource } from "../../application/ports/Astria.js"
import { samplePhoto } from "../../testing/port-suites/AstriaSuite.js"
import type { FakeAstriaFaultStatus } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"

/**
 * Every error Astria documents, answered by the fake over real HTTP and read by the real adapter
 * as its own typed error (docs/api/0-overview.md, "Error Codes"): the ones retrying cannot help
 * (400, 401, 402, 404, 422) are asked once; 429, 500 and 504 are retried and then given up.
 */

const maxRetries = 2

const withAstria = <A, E>(body: Effect.Effect<A, E, Astria | FakeAstria | Scope.Scope>) =>
  Effect.scoped(body).pipe(
    Effect.provide(httpAstriaOverFake({ config: { maxRetries } }).pipe(Layer.provide(FetchHttpClient.layer)))
  )

const packOrder = (source?: TuneSource) =>
  Effect.gen(function* () {
    const photos = yield* Effect.all([samplePhoto("e1"), samplePhoto("e2"), samplePhoto("e3")])
    const request: PackTuneRequest = {
      orderId: OrderId.make(randomUUID()),
      packId: (yield* (yield* Astria).listPacks)[0]!.id,
      className: "man",
      characteristics: {},
      source: source ?? TuneSource.photos(photos),
      callbacks: { tune: "http://127.0.0.1:9/none", prompts: "http://127.0.0.1:9/none" }
    }
    return request
  })

/** How many requests reached the fake on paths starting with `prefix` by `method`. */
const countRequests = (method: string, prefix: string) =>
  Effect.flatMap(FakeAstria, (fake) =>
    Effect.map(fake.control.requests, (all) => all.filter((r) => r.method === method && r.path.startsWith(prefix)).length)
  )

interface Case {
  readonly status: FakeAstriaFaultStatus
  readonly tag: AstriaError["_tag"]
  /** Asked once (permanent) or 1 + maxRetries times (transient). */
  readonly attempts: number
}

const cases: ReadonlyArray<Case> = [
  { status: 400, tag: "AstriaValidationError", attempts: 1 },
  { status: 401, tag: "AstriaUnauthorized", attempts: 1 },
  { status: 402, tag: "AstriaOutOfCredits", attempts: 1 },
  { status: 404, tag: "AstriaNotFound", attempts: 1 },
  { status: 422, tag: "AstriaValidationError", attempts: 1 },
  { status: 429, tag: "AstriaRateLimited", attempts: 1 + maxRetries },
  { status: 500, tag: "AstriaUnavailable", attempts: 1 + maxRetries },
  { status: 504, tag: "AstriaTimeout", attempts: 1 + maxRetries }
]

describe("Astria's documented errors through the real adapter (docs/api/0-overview.md)", () => {
  for (const { attempts, status, tag } of cases) {
    it.live(`${status} on reading a tune is ${tag}, asked ${attempts} time(s)`, () =>
      withAstria(
        Effect.gen(function* () {
          const fake = yield* FakeAstria
          yield* fake.control.inject({ status, method: "GET", path: "/tunes/", times: 10 })
          const error = yield* Effect.flip((yield* Astria).getTune(TuneId.make(4242)))
          expect(error._tag).toBe(tag)
          expect(yield* countRequests("GET", "/tunes/")).toBe(attempts)
        })
      )
    )
  }

  it.live("402 on a pack tune create is AstriaOutOfCredits, not retried, and no tune is made", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const request = yield* packOrder()
        yield* fake.control.inject({ status: 402, method: "POST", path: "/p/", times: 10 })
        const error = yield* Effect.flip((yield* Astria).createPackTune(request))
        expect(error._tag).toBe("AstriaOutOfCredits")
        expect(yield* countRequests("POST", "/p/")).toBe(1)
        expect(yield* fake.control.tunes).toHaveLength(0)
      })
    )
  )

  it.live("an account out of credits refuses every create with 402 until it is topped up", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const astria = yield* Astria
        yield* fake.control.setOutOfCredits(true)
        const first = yield* Effect.flip(astria.createPackTune(yield* packOrder()))
        const second = yield* Effect.flip(astria.createPackTune(yield* packOrder()))
        expect([first._tag, second._tag]).toEqual(["AstriaOutOfCredits", "AstriaOutOfCredits"])
        yield* fake.control.setOutOfCredits(false)
        yield* astria.createPackTune(yield* packOrder())
        expect(yield* fake.control.tunes).toHaveLength(1)
      })
    )
  )

  it.live("a 422 for saved models that are gone names the field (docs/api/2-pack/2-tunes/0-create.md, tune_ids)", () =>
    withAstria(
      Effect.gen(function* () {
        const request = yield* packOrder(TuneSource.savedTunes([TuneId.make(987654)]))
        const error = yield* Effect.flip((yield* Astria).createPackTune(request))
        expect(error._tag).toBe("AstriaValidationError")
        if (error._tag !== "AstriaValidationError") return
        expect(error.status).toBe(422)
        expect(Object.keys(error.fields)).toEqual(["tune_ids"])
        expect(error.fields["tune_ids"]?.[0]).toContain("not found")
        expect(yield* countRequests("POST", "/p/")).toBe(1)
      })
    )
  )

  it.live("a 400 carries Astria's message (docs/api/0-tune/4-list.md: offset above 200)", () =>
    withAstria(
      Effect.gen(function* () {
        const fake = yield* FakeAstria
        const answer = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/tunes?offset=201`, { headers: { authorization: `Bearer ${fake.apiKey}` } }).then(
            async (res) => ({ status: res.status, body: await res.text() })
          )
        )
        expect(answer.status).toBe(400)
        yield* fake.control.inject({ status: 400, method: "GET", path: "/tunes", body: answer.body })
        const error = yield* Effect.flip((yield* Astria).getTune(TuneId.make(1)))
        expect(error).toMatchObject({ _tag: "AstriaValidationError", status: 400, raw: answer.body })
        if (error._tag === "AstriaValidationError") expect(error.messages[0]).toContain("before_id")
      })
    )
  )
})
