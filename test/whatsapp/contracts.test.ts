import { Context, Effect, Layer } from "effect"
import { InMemoryMedia } from "../../adapters/memory/InMemoryMediaSource.js"
import { InMemoryMessages, InMemoryWhatsAppLive } from "../../adapters/memory/InMemoryMessenger.js"
import { MediaProbe, mediaSourceContract } from "../../runtimes/harness/contracts/MediaSourceContract.js"
import { MessengerProbe, messengerContract } from "../../runtimes/harness/contracts/MessengerContract.js"
import { FakeGraphProbes, WhatsAppCloudOverFake } from "../../runtimes/harness/fakes/graph-api/layers.js"

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

messengerContract("in memory", inMemory)
mediaSourceContract("in memory", inMemory)
messengerContract("WhatsApp Cloud over HTTP against the fake Graph API", overFake)
mediaSourceContract("WhatsApp Cloud over HTTP against the fake Graph API", overFake)
