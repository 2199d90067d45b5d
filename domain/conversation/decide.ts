import { Option } from "effect"
import { phrasesFor } from "../catalogue/Catalogue.js"
import { deletionAskedFor } from "../catalogue/deletionAskedFor.js"
import { paymentAskedFor } from "../catalogue/paymentAskedFor.js"
import { languageAskedFor } from "../catalogue/Language.js"
import {
  askClassMessage,
  photoConsentMessage,
  picturesMenuMessage,
  textMessage,
  welcomeMessage
} from "../catalogue/messages.js"
import type { WhatsAppMessageId } from "../ids.js"
import { OutgoingMessage } from "../messages/OutgoingMessage.js"
import type { PhotoVerdict } from "../photos/PhotoVerdict.js"
import { countInspection } from "../photos/Votes.js"
import { personClassOf } from "./checkout.js"
import { Command } from "./Command.js"
import { hasPhotoConsent } from "./Conversation.js"
import type { Conversation } from "./Conversation.js"
import type { DecisionContext } from "./DecisionContext.js"
import { decision, send } from "./Decision.js"
import type { Decision } from "./Decision.js"
import type { Input } from "./Input.js"
import { imagesReady, mediaUndeliverable, orderOnHold, paymentConfirmed, paymentFailed, trainingFailed, tuneCreated } from "./orderEvents.js"
import { stagePrompt } from "./prompts.js"
import { payAgain } from "./payAgain.js"
import { handleAction, lastDelivered, staleReply } from "./replies.js"
import { ReplyAction, parseActionId } from "./ReplyAction.js"

/** Reactions are the same in every language. */
export const acceptedReaction = "🤩"
export const rejectedReaction = "❌"

const text = (context: DecisionContext, conversation: Conversation, body: string): Decision => {
  const asked = languageAskedFor(body)
  if (asked !== undefined) return handleAction(context, conversation, ReplyAction.SetLanguage({ language: asked }))
  // Asking to be erased outranks everything else, even writing feedback.
  if (deletionAskedFor(body)) return handleAction(context, conversation, ReplyAction.DeleteData())
  if (conversation.stage === "WritingFeedback") {
    return Option.match(lastDelivered(conversation), {
      onNone: () => {
        const back: Conversation = { ...conversation, stage: "TuneReady" }
        return decision(back, send(...stagePrompt(context, back)))
      },
      onSome: (order) =>
        decision({ ...conversation, stage: "TuneReady" }, [
          Command.StoreFeedback({ orderId: order.id, text: body }),
          Command.NotifySupport({ reason: "LowRatingFeedback", detail: body, orderId: order.id }),
          ...send(textMessage(phrasesFor(conversation.language).feedbackThanks))
        ])
    })
  }
  const paying = paymentAskedFor(body) ? payAgain(conversation) : Option.none()
  if (Option.isSome(paying)) return paying.value
  return decision(conversation, send(...stagePrompt(context, conversation)))
}

/** Photos of one collection checked at most, unless the settings say otherwise. */
export const defaultPhotoLimit = 30

const photoReceived = (context: DecisionContext, conversation: Conversation, messageId: WhatsAppMessageId): Decision => {
  if (conversation.stage === "WritingFeedback") {
    return decision(conversation, send(textMessage(phrasesFor(conversation.language).feedbackReminder)))
  }
  // Not kept, not checked: the person is asked to agree and to send it again. Holding it for later
  // would keep a photo of a face for someone who may never agree; a burst is asked about once.
  if (!hasPhotoConsent(conversation)) {
    return conversation.consentAsked
      ? decision(conversation)
      : decision({ ...conversation, consentAsked: true }, send(photoConsentMessage(conversation.language, true)))
  }
  if (conversation.photosChecked >= (context.settings.photoLimit ?? defaultPhotoLimit)) {
    return conversation.photoLimitSaid
      ? decision(conversation)
      : decision(
          { ...conversation, photoLimitSaid: true },
          send(textMessage(phrasesFor(conversation.language).photoLimitReached))
        )
  }
  return decision({ ...conversation, photosChecked: conversation.photosChecked + 1 }, [Command.ProcessPhoto({ messageId })])
}

const react = (messageId: WhatsAppMessageId, emoji: string): Command =>
  Command.Send({ message: OutgoingMessage.Reaction({ toMessageId: messageId, emoji }) })

/** Stages in which accepted photos can complete a collection and move the person on. */
const collecting = (conversation: Conversation): boolean =>
  conversation.stage === "New" || conversation.stage === "TuneReady"

const photoChecked = (
  context: DecisionContext,
  conversation: Conversation,
  messageId: WhatsAppMessageId,
  verdict: PhotoVerdict
): Decision => {
  const language = conversation.language
  if (verdict._tag === "Rejected") {
    return decision(conversation, [
      react(messageId, rejectedReaction),
      ...send(textMessage(phrasesFor(language).rejection(verdict.reason)))
    ])
  }
  const counted: Conversation = {
    ...conversation,
    acceptedPhotos: conversation.acceptedPhotos + 1,
    votes: verdict.inspection === undefined ? conversation.votes : countInspection(conversation.votes, verdict.inspection)
  }
  const reached =
    collecting(counted) && !counted.enoughPhotosSaid && counted.acceptedPhotos >= context.settings.photoThreshold
  if (!reached) return decision(counted, [react(messageId, acceptedReaction)])
  const loaded: Conversation = { ...counted, stage: "PicturesLoaded", enoughPhotosSaid: true, reuseTuneId: undefined }
  const next = Option.isSome(personClassOf(loaded))
    ? picturesMenuMessage(language, loaded.acceptedPhotos)
    : askClassMessage(language)
  return decision(loaded, [
    react(messageId, acceptedReaction),
    ...send(textMessage(phrasesFor(language).enoughPhotos), next)
  ])
}

const reply = (context: DecisionContext, conversation: Conversation, id: string): Decision =>
  Option.match(parseActionId(id), {
    onNone: () => staleReply(context, conversation),
    onSome: (action) => handleAction(context, conversation, action)
  })

/**
 * Everything the person sends is marked read (with a typing indicator), and a pending "delete my
 * data" lapses unless this is its confirmation. A photo's consent question lapses too: the next
 * photo after anything else is asked about again. `firstContact` tells handlers whose answer is
 * not the welcome itself (a photo, an unsupported message) to add it.
 */
const fromPerson = (
  conversation: Conversation,
  messageId: WhatsAppMessageId,
  confirmsDeletion: boolean,
  handle: (conversation: Conversation, firstContact: boolean) => Decision
): Decision => {
  const current: Conversation = {
    ...conversation,
    welcomed: true,
    deletionRequested: confirmsDeletion && conversation.deletionRequested,
    consentAsked: false
  }
  const decided = handle(current, !conversation.welcomed)
  return decision(decided.conversation, [Command.MarkReadAndTyping({ messageId }), ...decided.commands])
}

const welcomeOnFirstContact = (conversation: Conversation, firstContact: boolean): ReadonlyArray<Command> =>
  firstContact ? send(welcomeMessage(conversation.language)) : []

const isConfirmDelete = (id: string): boolean =>
  Option.exists(parseActionId(id), (action) => action._tag === "ConfirmDelete")

/**
 * The decider: what the bot does about one input, given the person's conversation and the
 * application's snapshot. Pure and total: no I/O, no clock, no randomness; every input in every
 * stage has an answer (possibly "nothing to do").
 */
export const decide = (context: DecisionContext, conversation: Conversation, input: Input): Decision => {
  switch (input._tag) {
    case "TextReceived":
      // Text on first contact needs no extra welcome: in New, the stage prompt is the welcome.
      return fromPerson(conversation, input.messageId, false, (c) => text(context, c, input.text))
    case "PhotoReceived":
      return fromPerson(conversation, input.messageId, false, (c, first) => {
        const received = photoReceived(context, { ...c, consentAsked: conversation.consentAsked }, input.messageId)
        return decision(received.conversation, [...welcomeOnFirstContact(c, first), ...received.commands])
      })
    case "ButtonReply":
    case "ListReply":
      return fromPerson(conversation, input.messageId, isConfirmDelete(input.id), (c) =>
        reply(context, c, input.id)
      )
    case "UnsupportedReceived":
      return fromPerson(conversation, input.messageId, false, (c, first) =>
        decision(c, [...send(textMessage(phrasesFor(c.language).unsupported)), ...welcomeOnFirstContact(c, first)])
      )
    case "PhotoChecked":
      return photoChecked(context, conversation, input.messageId, input.verdict)
    case "PaymentConfirmed":
      return paymentConfirmed(conversation, input.orderId, input)
    case "PaymentFailed":
      return paymentFailed(conversation, input.orderId)
    case "TuneCreated":
      return tuneCreated(context, conversation, input.orderId, input.tuneId, input.eta)
    case "TrainingFailed":
      return trainingFailed(conversation, input.orderId)
    case "ImagesReady":
      return imagesReady(conversation, input.orderId, input.images, input.video, input.partial === true)
    case "OrderOnHold":
      return orderOnHold(conversation, input.orderId, input.cause)
    case "MediaUndeliverable":
      return mediaUndeliverable(conversation, input.kind, input.reference)
  }
}
