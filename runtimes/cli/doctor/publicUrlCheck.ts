import type { HttpClient } from "@effect/platform"
import { HttpClientRequest } from "@effect/platform"
import { Effect, Either, Option, Schema } from "effect"
import { HealthStatus, ReadinessStatus } from "../../../contracts/http/HealthApi.js"
import { TemporarilyUnavailable } from "../../../contracts/http/HttpErrors.js"
import { getJson, type JsonAnswer } from "./httpJson.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed, skipped, type CheckLine } from "./Verdict.js"

const part = "Public URL"

const decodes =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (answer: JsonAnswer): Option.Option<A> =>
    Option.flatMap(Either.getRight(answer.body), (body) => Option.getRight(Schema.decodeUnknownEither(schema)(body)))

/**
 * Astria's callbacks and the payment provider reach the bot at `PUBLIC_BASE_URL`. Many servers
 * answer `{"status":"ok"}` on /health, so /ready must answer too, in this bot's shapes: ready
 * with its services, or 503 `TemporarilyUnavailable` saying why not.
 */
export const publicUrlCheck = (publicBaseUrl: Option.Option<string>): LiveCheck<HttpClient.HttpClient> | CheckLine =>
  Option.match(publicBaseUrl, {
    onNone: () => skipped(part, "served by this bot", "PUBLIC_BASE_URL is not set (development: callbacks go to the loopback address)"),
    onSome: (base) => ({
      part,
      check: "served by this bot",
      run: Effect.gen(function* () {
        const notOurs = (url: string, answer: JsonAnswer) =>
          new CheckFailed({
            reason: `PUBLIC_BASE_URL: ${url} answered ${answer.status} with ${Either.isLeft(answer.body) ? "a page that is not JSON" : "JSON that is not this bot's"}: another server answers there`
          })
        const healthUrl = `${base}/health`
        const health = yield* getJson(HttpClientRequest.get(healthUrl), `PUBLIC_BASE_URL (${healthUrl})`)
        if (health.status !== 200 || Option.isNone(decodes(HealthStatus)(health))) return yield* notOurs(healthUrl, health)
        const readyUrl = `${base}/ready`
        const ready = yield* getJson(HttpClientRequest.get(readyUrl), `PUBLIC_BASE_URL (${readyUrl})`)
        const readiness = ready.status === 200 ? decodes(ReadinessStatus)(ready) : Option.none()
        if (Option.isSome(readiness)) return `${base} answers as this bot, ready (${readiness.value.services.join(", ")})`
        const unavailable = ready.status === 503 ? decodes(TemporarilyUnavailable)(ready) : Option.none()
        if (Option.isSome(unavailable)) {
          return yield* new CheckFailed({ reason: `PUBLIC_BASE_URL: this bot answers at ${base}, but is not ready: ${unavailable.value.message}` })
        }
        return yield* notOurs(readyUrl, ready)
      })
    })
  })
