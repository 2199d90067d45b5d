import { FetchHttpClient } from "@effect/platform"
import { expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { makeFakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { freshPerson } from "../../testing/port-suites/MessengerSuite.js"

/** Meta removes a reaction the business set when the same message gets a reaction with an empty emoji. */

it.scoped("the bot removes a reaction it set: an empty emoji goes out and Meta's fake accepts it", () =>
  Effect.gen(function* () {
    const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
    const context = yield* Layer.build(WhatsAppCloud.layer(settingsForFake(fake)).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(InMemoryRateBudgets)))
    const messenger = Context.get(context, Messenger)
    const person = freshPerson()

    yield* messenger.send(person, OutgoingMessage.Reaction({ toMessageId: "wamid.inbound.7", emoji: "🤩" }))
    const removal = yield* messenger.send(person, OutgoingMessage.Reaction({ toMessageId: "wamid.inbound.7", emoji: "" }))

    const received = yield* fake.received(person)
    expect(received.map((message) => message.body)).toEqual([
      expect.objectContaining({ type: "reaction", reaction: { message_id: "wamid.inbound.7", emoji: "🤩" } }),
      expect.objectContaining({ type: "reaction", reaction: { message_id: "wamid.inbound.7", emoji: "" } })
    ])
    expect(received[1]?.id).toBe(removal)
  })
)

it.scoped("a reaction still needs the message it is on", () =>
  Effect.gen(function* () {
    const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
    const context = yield* Layer.build(WhatsAppCloud.layer(settingsForFake(fake)).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(InMemoryRateBudgets)))
    const messenger = Context.get(context, Messenger)
    const error = yield* Effect.flip(messenger.send(freshPerson(), OutgoingMessage.Reaction({ toMessageId: " ", emoji: "" })))
    expect(error._tag).toBe("InvalidMessage")
    expect((yield* fake.attempts).length).toBe(0)
  })
)
