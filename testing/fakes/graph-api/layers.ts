import type { HttpServerError } from "@effect/platform"
import { Context, Duration, Effect, Layer, Redacted } from "effect"
import type { MediaSource } from "../../../application/ports/MediaSource.js"
import type { Messenger } from "../../../application/ports/Messenger.js"
import { InMemoryRateBudgets } from "../../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import type { WhatsAppCloudSettings } from "../../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { SendMessageBody } from "../../../contracts/whatsapp/Send.js"
import { MediaProbe, MessengerProbe, type ReceivedByPerson } from "../../port-suites/Probes.js"
import { makeFakeGraphApi, type FakeGraphApi, type FakeGraphApiOptions } from "./FakeGraphApi.js"

/** The running fake Graph API, for tests and the simulator. */
export class FakeGraph extends Context.Tag("whatsapp-astria-bot/FakeGraphApi")<FakeGraph, FakeGraphApi>() {}

/** Starts the fake on an ephemeral loopback port; it stops when the layer's scope closes. */
export const FakeGraphLive = (options?: FakeGraphApiOptions): Layer.Layer<FakeGraph, HttpServerError.ServeError> =>
  Layer.scoped(FakeGraph, makeFakeGraphApi(options))

/** What a person sees of a send body, in the domain's words. */
export const describeSent = (body: SendMessageBody): Omit<ReceivedByPerson, "id"> => {
  const replyTo = body.context === undefined ? {} : { replyTo: body.context.message_id }
  const caption = (media: { readonly caption?: string | undefined }) => (media.caption === undefined ? {} : { text: media.caption })
  switch (body.type) {
    case "text":
      return { kind: "Text", text: body.text.body, ...replyTo }
    case "interactive": {
      const kind = body.interactive.type === "button" ? "Buttons" : body.interactive.type === "list" ? "List" : "LinkButton"
      return { kind, text: body.interactive.body.text, ...replyTo }
    }
    case "image":
      return { kind: "Image", ...caption(body.image), ...replyTo }
    case "video":
      return { kind: "Video", ...caption(body.video), ...replyTo }
    case "document":
      return { kind: "Document", ...caption(body.document), ...replyTo }
    case "reaction":
      return { kind: "Reaction", text: body.reaction.emoji, ...replyTo }
    case "template":
      return { kind: "Template", text: body.template.name, ...replyTo }
    default:
      return { kind: "Other", ...replyTo }
  }
}

/** The contract suites' probes, reading the fake's records. */
export const FakeGraphProbes: Layer.Layer<MessengerProbe | MediaProbe, never, FakeGraph> = Layer.effectContext(
  Effect.map(FakeGraph, (fake) =>
    Context.make(
      MessengerProbe,
      MessengerProbe.of({
        receivedBy: (recipient) =>
          Effect.map(fake.received(recipient), (items) => items.map((item) => ({ id: item.id, ...describeSent(item.body) }))),
        readReceipts: Effect.map(fake.readReceipts, (receipts) => receipts.map((receipt) => receipt.messageId))
      })
    ).pipe(Context.add(MediaProbe, MediaProbe.of({ put: fake.putMedia })))
  )
)

/** Settings of the real adapter pointed at a fake; quick back-offs so tests stay fast. */
export const settingsForFake = (fake: FakeGraphApi, overrides: Partial<WhatsAppCloudSettings> = {}): WhatsAppCloudSettings => ({
  apiUrl: fake.baseUrl,
  numberId: fake.phoneNumberId,
  apiKey: Redacted.make(fake.accessToken),
  throughputPerSecond: 80,
  recipientBurst: 12,
  recipientInterval: Duration.seconds(6),
  retryBase: Duration.millis(20),
  retryAttempts: 6,
  pairBackoffBase: Duration.millis(50),
  pairRetryAttempts: 5,
  requestTimeout: Duration.seconds(5),
  ...overrides
})

/**
 * The real WhatsApp Cloud adapter talking over HTTP to a fake started for the layer's scope: the
 * embedded default's wiring, and what the contract suites run against.
 */
export const WhatsAppCloudOverFake = (
  options?: FakeGraphApiOptions,
  overrides?: Partial<WhatsAppCloudSettings>
): Layer.Layer<Messenger | MediaSource | FakeGraph, HttpServerError.ServeError> =>
  Layer.unwrapEffect(
    Effect.map(FakeGraph, (fake) =>
      WhatsAppCloud.layer(settingsForFake(fake, overrides)).pipe(Layer.provide(WhatsAppCloudHttpClient), Layer.provide(InMemoryRateBudgets))
    )
  ).pipe(Layer.provideMerge(FakeGraphLive(options)))
