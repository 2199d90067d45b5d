import { Clock, Effect, Option, Schema } from "effect"
import { BotEvents } from "../../contracts/events/BotEvents.js"
import { Conversation, newConversation } from "../../domain/conversation/Conversation.js"
import { Input } from "../../domain/conversation/Input.js"
import { decide } from "../../domain/conversation/decide.js"
import { MediaRef } from "../../domain/messages/OutgoingMessage.js"
import { OutboundWakeup, OutboxWakeup } from "../events/Wakeup.js"
import { Deliveries } from "../ports/Deliveries.js"
import { StorageOutage, type BrokerMessage, type Subscription } from "../ports/EventBroker.js"
import { Inbox } from "../ports/Inbox.js"
import { Messenger } from "../ports/Messenger.js"
import { Orders } from "../ports/Orders.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { ConversationSettingsTag } from "../settings/ConversationSettingsConfig.js"
import { ExamplePhotos } from "./ExamplePhotos.js"
import { ReadReceipts } from "./ReadReceipts.js"
import { conversationEvent, type ConversationEvent } from "./conversationInput.js"
import { executeCommands } from "./executeCommands.js"
import { answerAsBurst } from "./floodGuard.js"
import { decideOnSnapshot } from "./decideOnSnapshot.js"
import { recipientAddress } from "../messaging/recipientAddress.js"
import { resolveSender } from "./resolveSender.js"

export const conversationSubscription: Subscription = {
  name: "conversation",
  eventTypes: [
    BotEvents.UserMessageReceived.eventType,
    BotEvents.ImageProcessed.eventType,
    BotEvents.PaymentReceived.eventType,
    BotEvents.TuneCreated.eventType,
    BotEvents.OrderOnHold.eventType,
    BotEvents.PackImagesUpdated.eventType,
    BotEvents.MediaUndeliverable.eventType
  ]
}

const decodeConversation = Schema.decodeUnknown(Conversation)
const encodeConversation = Schema.encode(Conversation)

type GeneratedImages = NonNullable<Option.Option.Value<ConversationEvent["generated"]>>

/**
 * Generated images become an input only for prompts not delivered before (a callback and the
 * reconciler may both report them). The report that completes the order is an input even with
 * nothing new in it: the images went out with earlier reports, and the order ends now.
 */
const imagesInput = (generated: GeneratedImages, now: Date) =>
  Effect.gen(function* () {
    const deliveries = yield* Deliveries
    const fresh: Array<string> = []
    for (const prompt of generated.prompts) {
      if (prompt.images.length === 0) continue
      if (yield* deliveries.claimPrompt(generated.orderId, prompt.promptId, prompt.images, now)) fresh.push(...prompt.images)
    }
    return fresh.length === 0 && !generated.complete
      ? Option.none<Input>()
      : Option.some(
          Input.ImagesReady({
            orderId: generated.orderId,
            images: fresh.map((url) => MediaRef.Link({ url })),
            partial: !generated.complete
          })
        )
  })

/**
 * The orders table follows the conversation's copy of an order as its images go out: `Delivering`
 * with the first, `Delivered` with the last (which the reconciler then leaves alone). Written in
 * the transaction that queues the images; a move the status model refuses changes nothing.
 */
const recordDelivery = (conversation: Conversation, generated: GeneratedImages, now: Date) =>
  Effect.gen(function* () {
    const order = conversation.orders.find((candidate) => candidate.id === generated.orderId)
    if (order === undefined) return
    const orders = yield* Orders
    if (order.status === "Delivered") yield* orders.markDelivered(order.id, now)
    else if (order.status === "Delivering") yield* orders.moveTo(order.id, "Delivering")
  })

/**
 * Where the state machine decides: one event of one user, in one transaction holding that user's
 * lock: the inbox check, a message's sender resolved to a user, locked and their conversation
 * loaded (one statement for a known person), `decide`,
 * the new state saved and the commands written as rows. Messages and events go out after the commit.
 */
export const handleConversationEvent = (message: BrokerMessage) =>
  Effect.gen(function* () {
    const event = yield* conversationEvent(message)
    const settings = { ...(yield* ConversationSettingsTag), examplePhotos: yield* Effect.flatten(ExamplePhotos) }
    const unitOfWork = yield* UnitOfWork
    const users = yield* Users
    const now = new Date(yield* Clock.currentTimeMillis)

    const outcome = yield* unitOfWork.transaction(
      Effect.gen(function* () {
        const first = yield* Effect.flatMap(Inbox, (inbox) => inbox.markHandled("conversation", event.eventId, now))
        if (!first) return { releasedHeld: false, afterCommit: Option.none() }
        const locked =
          event.owner._tag === "User"
            ? Option.map(yield* users.lockWithConversation(event.owner.userId), (found) => ({
                ...found,
                created: false,
                releasedHeld: false
              }))
            : yield* resolveSender(event.owner.message, message.key, now)
        // Erased since the event was written: nothing of theirs is left to act on.
        if (Option.isNone(locked)) return { releasedHeld: false, afterCommit: Option.none() }
        const { user, created, conversation: stored, releasedHeld } = locked.value
        const userId = user.id
        const skip = { releasedHeld, afterCommit: Option.none() }
        const input = Option.isSome(event.generated) ? yield* imagesInput(event.generated.value, now) : event.input
        if (Option.isNone(input)) return skip

        const conversation = yield* Option.match(stored, {
          onNone: () => Effect.succeed(newConversation()),
          onSome: (json) =>
            decodeConversation(json).pipe(
              Effect.catchAll((error) =>
                Effect.logError("A stored conversation did not decode; starting afresh", { error: error.message }).pipe(
                  Effect.as(newConversation())
                )
              )
            )
        })
        const decision = yield* decideOnSnapshot(settings, userId, { newcomer: created }, (snapshot) =>
          decide({ settings, snapshot }, conversation, input.value)
        )
        if (decision.conversation.stage !== conversation.stage) {
          yield* Effect.logInfo("Conversation moved", {
            from: conversation.stage,
            to: decision.conversation.stage,
            input: input.value._tag
          })
        }
        const erased = decision.commands.some((command) => command._tag === "EraseUser")
        if (!erased) {
          yield* users.saveConversation(userId, yield* encodeConversation(decision.conversation).pipe(Effect.orDie))
        }
        if (Option.isSome(event.generated)) yield* recordDelivery(decision.conversation, event.generated.value, now)
        const photo = Option.map(event.photo, (received) => ({ ...received, userId }))
        const commands = yield* answerAsBurst(userId, input.value, event.arrivedAt ?? now, { newcomer: created }, decision)
        return {
          releasedHeld,
          afterCommit: Option.some(yield* executeCommands(user, decision.conversation, commands, photo))
        }
      })
    )

    const { afterCommit } = outcome
    if (outcome.releasedHeld || (Option.isSome(afterCommit) && afterCommit.value.queuedMessages)) {
      yield* Effect.flatMap(OutboundWakeup, (wakeup) => wakeup.notify)
    }
    if (Option.isNone(afterCommit)) return
    if (afterCommit.value.queuedEvents) yield* Effect.flatMap(OutboxWakeup, (wakeup) => wakeup.notify)
    const messenger = yield* Messenger
    yield* Effect.forEach(afterCommit.value.directSends, ({ recipient, message }) =>
      Option.match(recipientAddress(recipient), {
        onNone: () => Effect.void,
        onSome: (address) =>
          messenger.send(address, message).pipe(
            Effect.catchAll((error) => Effect.logWarning("A goodbye to an erased person was not sent", { error: error._tag }))
          )
      }),
      { discard: true }
    )
    // A read receipt is a courtesy: one that fails is not worth a redelivery, and the delivery
    // (with the person's next message behind it) does not wait for its slot of Meta's pace.
    yield* Effect.flatMap(ReadReceipts, (receipts) => receipts.send(afterCommit.value.markRead))
  }).pipe(
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.fail(new StorageOutage({ reason: `storage: ${error.reason}` }))
    })
  )
