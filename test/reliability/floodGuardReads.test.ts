import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { FloodSettings, answerAsBurst } from "../../application/conversation/floodGuard.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { OutboundMessages, type OutboundIntent } from "../../application/ports/OutboundMessages.js"
import { newConversation } from "../../domain/conversation/Conversation.js"
import { Input } from "../../domain/conversation/Input.js"
import { decision, send } from "../../domain/conversation/Decision.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { at, minutes, userId, uuid } from "../../testing/port-suites/storage/fixtures.js"

/** The intents the flood guard's reads handed back, whichever read it used. */
const readRows: Array<OutboundIntent> = []
const recordingReads = Layer.effect(
  OutboundMessages,
  Effect.map(OutboundMessages, (real) => {
    const record = (read: Effect.Effect<ReadonlyArray<OutboundIntent>, never>) =>
      Effect.tap(read, (rows) => Effect.sync(() => readRows.push(...rows)))
    return OutboundMessages.of({
      ...real,
      listForUser: (user) => record(Effect.orDie(real.listForUser(user))),
      waitingOrSinceForUser: (user, since) => record(Effect.orDie(real.waitingOrSinceForUser(user, since)))
    })
  })
)

const settings = Layer.succeed(FloodSettings, {
  textLimit: 10,
  window: Duration.minutes(1),
  repeatGap: Duration.seconds(10)
})

describe("the flood guard's reads", () => {
  it.effect("read only what the rule needs: a long-answered person's history is not read again for each text", () =>
    Effect.gen(function* () {
      const outbound = yield* OutboundMessages
      const person = userId()
      const old = Array.from({ length: 40 }, (_, n) => ({
        id: uuid(),
        userId: person,
        recipient: { waId: Option.some("972500000001"), bsuid: Option.none() },
        message: OutgoingMessage.Text({ body: `answer ${n}` }),
        createdAt: at(n * 1000)
      }))
      yield* outbound.enqueue(old)
      for (const intent of old) yield* outbound.markSent(intent.id, `wamid.${intent.id}`, at(minutes(1)))
      const waiting = { ...old[0]!, id: uuid(), message: OutgoingMessage.Text({ body: "still on its way" }), createdAt: at(minutes(2)) }
      yield* outbound.enqueue([waiting])

      readRows.length = 0
      const text = Input.TextReceived({ messageId: WhatsAppMessageId.make("wamid.text"), text: "hello?" })
      const arrived = at(Duration.toMillis(Duration.hours(5)))
      const commands = yield* answerAsBurst(
        person,
        text,
        arrived,
        { newcomer: false },
        decision(newConversation(), send(OutgoingMessage.Text({ body: "still on its way" }), OutgoingMessage.Text({ body: "answer 3" })))
      )

      // The answer still waiting is not repeated; an answer sent hours ago is given again.
      expect(commands.flatMap((command) => (command._tag === "Send" ? [command.message] : []))).toEqual([
        OutgoingMessage.Text({ body: "answer 3" })
      ])
      expect(readRows.map((row) => row.id)).toEqual([waiting.id])
    }).pipe(Effect.provide(Layer.provideMerge(recordingReads, InMemoryStorage)), Effect.provide(settings))
  )

  it.effect("read nothing for someone made in this transaction: nothing of theirs is stored but this text", () => {
    const reads: Array<string> = []
    const countingReads = Layer.mergeAll(
      Layer.effect(
        OutboundMessages,
        Effect.map(OutboundMessages, (real) =>
          OutboundMessages.of({
            ...real,
            waitingOrSinceForUser: (user, since) =>
              Effect.zipRight(Effect.sync(() => reads.push("outbound")), real.waitingOrSinceForUser(user, since))
          })
        )
      ),
      Layer.effect(
        InboundMessages,
        Effect.map(InboundMessages, (real) =>
          InboundMessages.of({
            ...real,
            recentForUser: (user, limit) => Effect.zipRight(Effect.sync(() => reads.push("inbound")), real.recentForUser(user, limit))
          })
        )
      )
    )
    return Effect.gen(function* () {
      const text = Input.TextReceived({ messageId: WhatsAppMessageId.make("wamid.first"), text: "hi" })
      const welcome = send(OutgoingMessage.Text({ body: "welcome" }))
      const commands = yield* answerAsBurst(userId(), text, at(0), { newcomer: true }, decision(newConversation(), welcome))
      expect(commands).toEqual(welcome)
      expect(reads).toEqual([])
    }).pipe(Effect.provide(Layer.provideMerge(countingReads, InMemoryStorage)), Effect.provide(settings))
  })
})
