import { Context, Effect, Layer } from "effect"
import { InMemoryMedia } from "../../adapters/memory/InMemoryMediaSource.js"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { MediaProbe, mediaSourceSuite } from "../../testing/port-suites/MediaSourceSuite.js"
import { MessengerProbe, messengerSuite } from "../../testing/port-suites/MessengerSuite.js"
import { FakeGraphProbes, WhatsAppCloudOverFake } from "../../testing/fakes/graph-api/layers.js"

const InMemoryProbes = Layer.effectContext(
  Effect.gen(function* () {
    const messages = yield* InMemoryMessages
    const media = yield* InMemoryMedia
    return Context.make(
      MessengerProbe,
      MessengerProbe.of({
        receivedBy: (recipient) =>
          Effect.map(messages.sentTo(recipient), (sent) =>
            sent.map(({ id, message, replyTo }) => {
              const text =
                message._tag === "Text" || message._tag === "Buttons" || message._tag === "List" || message._tag === "LinkButton"
                  ? message.body
                  : message._tag === "Reaction"
                    ? message.emoji
                    : message._tag === "Template"
                      ? message.name
                      : message.caption
              return { id, kind: message._tag, ...(text === undefined ? {} : { text }), ...(replyTo === undefined ? {} : { replyTo }) }
            })
          ),
        readReceipts: messages.readReceipts
      })
    ).pipe(Context.add(MediaProbe, MediaProbe.of({ put: (bytes, mimeType) => media.put(bytes, mimeType) })))
  })
)

const inMemory = InMemoryProbes.pipe(Layer.provideMerge(InMemoryWhatsAppLive))
const overFake = FakeGraphProbes.pipe(Layer.provideMerge(WhatsAppCloudOverFake({ customerServiceWindow: "off" })))

messengerSuite("in memory", inMemory)
mediaSourceSuite("in memory", inMemory)
messengerSuite("WhatsApp Cloud over HTTP against the fake Graph API", overFake)
mediaSourceSuite("WhatsApp Cloud over HTTP against the fake Graph API", overFake)
