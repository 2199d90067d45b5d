import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Duration, Effect, Exit, Layer } from "effect"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import { Messenger, MessengerUnavailable } from "../../application/ports/Messenger.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { whatsAppCloudTestSettings } from "../support/whatsAppCloudSettings.js"

const settings = whatsAppCloudTestSettings({ retryAttempts: 0, requestTimeout: Duration.millis(200) })

/** A Graph API that never answers (`abandoned` done once the call is interrupted), or answers a status and then never ends the body. */
const stalling = (stall: "answer" | "body", abandoned: Deferred.Deferred<void>) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      stall === "answer"
        ? Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(abandoned, undefined)))
        : Effect.succeed(HttpClientResponse.fromWeb(request, new Response(new ReadableStream(), { status: 200 })))
    )
  )

const sendThrough = (stall: "answer" | "body", abandoned: Deferred.Deferred<void>) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      WhatsAppCloud.layer(settings).pipe(Layer.provide(stalling(stall, abandoned)), Layer.provide(InMemoryRateBudgets))
    )
    return yield* Effect.exit(Context.get(context, Messenger).send({ waId: "972500000001" }, OutgoingMessage.Text({ body: "hello" })))
  })

describe("a WhatsApp call that does not end within the request timeout", () => {
  it.scopedLive("fails as WhatsApp unavailable when no answer comes, and the call is abandoned", () =>
    Effect.gen(function* () {
      const abandoned = yield* Deferred.make<void>()
      const exit = yield* sendThrough("answer", abandoned)
      expect(exit).toEqual(Exit.fail(new MessengerUnavailable({ message: "WhatsApp did not answer in time" })))
      yield* Deferred.await(abandoned)
    }))

  it.scopedLive("fails as WhatsApp unavailable when the answer's body stalls", () =>
    Effect.gen(function* () {
      const exit = yield* sendThrough("body", yield* Deferred.make<void>())
      expect(exit).toEqual(Exit.fail(new MessengerUnavailable({ message: "WhatsApp did not answer in time" })))
    }))
})
