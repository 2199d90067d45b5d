import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { CallbackUrls } from "../../application/ports/CallbackUrls.js"
import { Orders } from "../../application/ports/Orders.js"
import { recordAstriaUpdates } from "../../application/training/recordAstriaUpdates.js"
import { astriaCallbackMaxBytes } from "../../contracts/http/AstriaCallbackApi.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import { MalformedRequest, NotFound, TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { OrderId } from "../../domain/ids.js"
import { decodeCallback } from "../astria/Callbacks.js"
import { readBoundedBody } from "./readBoundedBody.js"

/**
 * Astria's callbacks. They are unsigned and never retried: the order id and its secret in the
 * URL say whose they are (a wrong one gets 404 and changes nothing), and each is recorded
 * idempotently; the reconciler covers the ones that never come.
 */
export const AstriaCallbackHandlers = HttpApiBuilder.group(BotApi, "astria", (handlers) =>
  Effect.gen(function* () {
    const orders = yield* Orders
    const urls = yield* CallbackUrls
    return handlers.handleRaw("packTuneReceived", ({ request, urlParams }) =>
      Effect.gen(function* () {
        const order = yield* orders.get(OrderId.make(urlParams.order))
        const known = Option.filter(order, (found) =>
          Option.exists(found.callbackTokenHash, (hash) => urls.verify(urlParams.token, hash))
        )
        if (Option.isNone(known)) return yield* new NotFound()
        const body = yield* readBoundedBody(request, astriaCallbackMaxBytes)
        const update = yield* decodeCallback(body).pipe(
          Effect.mapError((error) => new MalformedRequest({ message: error.message }))
        )
        const recorded = yield* recordAstriaUpdates(known.value, [update])
        yield* Effect.logInfo("Astria callback recorded", { order: known.value.id, ...recorded })
        return HttpServerResponse.empty({ status: 200 })
      }).pipe(
        Effect.catchTag("StorageUnavailable", (error) =>
          Effect.fail(new TemporarilyUnavailable({ message: `Storage is unavailable: ${error.reason}` }))
        )
      )
    )
  })
)
