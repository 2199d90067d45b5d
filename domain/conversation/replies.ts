import { Array as Arr, Option } from "effect"
import { phrasesFor } from "../catalogue/Catalogue.js"
import {
  askClassMessage,
  askFeedbackMessage,
  confirmDeleteMessage,
  exampleMessages,
  guidelinesMessage,
  howItWorksMessage,
  languagePickerMessage,
  packMessages,
  photoConsentMessage,
  picturesMenuMessage,
  termsMessage,
  textMessage,
  tiersMessage,
  welcomeBackMessage,
  welcomeMessage
} from "../catalogue/messages.js"
import type { PackId } from "../ids.js"
import type { OutgoingMessage } from "../messages/OutgoingMessage.js"
import { quote } from "../pricing/Quote.js"
import { checkoutBasis, isReturningCustomer, usableModel, usableModels } from "./checkout.js"
import type { CheckoutBasis } from "./checkout.js"
import { Command } from "./Command.js"
import { hasPhotoConsent, newConversation } from "./Conversation.js"
import type { Conversation, Order, Stage } from "./Conversation.js"
import type { DecisionContext, PackOffer } from "./DecisionContext.js"
import { decision, send } from "./Decision.js"
import type { Decision } from "./Decision.js"
import { discardPhotos, photosInUse } from "./photoCollection.js"
import { stagePrompt } from "./prompts.js"
import type { ReplyAction } from "./ReplyAction.js"

/** A reply that makes no sense now (an old button, an id we never issued): say so, then where we are. */
export const staleReply = (context: DecisionContext, conversation: Conversation): Decision =>
  decision(
    conversation,
    send(textMessage(phrasesFor(conversation.language).staleReply), ...stagePrompt(context, conversation))
  )

/** Actions that make sense while a low rating's feedback is awaited; others are stale then. */
const usableWhileWritingFeedback: ReadonlySet<ReplyAction["_tag"]> = new Set([
  "HowItWorks",
  "ChooseLanguage",
  "SetLanguage",
  "Support",
  "DeleteData",
  "ConfirmDelete",
  "CancelDelete",
  "Menu",
  "SkipFeedback"
])

const findPack = (context: DecisionContext, packId: PackId): Option.Option<PackOffer> =>
  Arr.findFirst(context.snapshot.packs, (pack) => pack.id === packId)

/** Why the person cannot order right now, and what to do instead. */
const cannotOrder = (context: DecisionContext, conversation: Conversation): Decision => {
  const language = conversation.language
  const p = phrasesFor(language)
  switch (conversation.stage) {
    case "PicturesLoaded":
      return decision(conversation, send(askClassMessage(language)))
    case "TuneReady":
      return decision(
        { ...conversation, reuseTuneId: undefined },
        send(
          welcomeBackMessage(
            language,
            usableModels(context),
            conversation.reuseTuneId === undefined ? p.chooseModelFirst : p.modelUnavailable
          )
        )
      )
    default:
      return staleReply(context, conversation)
  }
}

/** Runs `next` when the person can order now, otherwise explains why not. */
const whenOrdering = (
  context: DecisionContext,
  conversation: Conversation,
  next: (basis: CheckoutBasis) => Decision
): Decision =>
  Option.match(checkoutBasis(context, conversation), {
    onNone: () => cannotOrder(context, conversation),
    onSome: next
  })

/** Tiers with a pack on sale: a tier whose packs Astria does not have is not offered. */
const tiersWithPacks = (context: DecisionContext) => context.snapshot.packs.map((pack) => pack.tier)

const tiersFor = (context: DecisionContext, conversation: Conversation): OutgoingMessage =>
  tiersMessage(
    conversation.language,
    context.settings.pricing,
    isReturningCustomer(context, conversation),
    undefined,
    tiersWithPacks(context)
  )

const showTiers = (context: DecisionContext, conversation: Conversation): Decision =>
  decision(conversation, send(tiersFor(context, conversation)))

/** Places the order for the chosen pack; the application creates the payment link and sends it. */
const placeOrder = (
  context: DecisionContext,
  conversation: Conversation,
  basis: CheckoutBasis,
  pack: PackOffer
): Decision => {
  const orderId = context.snapshot.newOrderId
  // An id already used would merge two orders into one: refuse rather than overwrite.
  if (conversation.orders.some((order) => order.id === orderId)) return staleReply(context, conversation)
  const order: Order = {
    id: orderId,
    packId: pack.id,
    packTitle: pack.title,
    quote: quote(context.settings.pricing, pack.tier, isReturningCustomer(context, conversation)),
    personClass: basis.personClass,
    characteristics: basis.characteristics,
    source: basis.source,
    status: "AwaitingPayment"
  }
  return decision(
    { ...conversation, termsAgreed: true, chosenPack: undefined, chosenTier: undefined, orders: [...conversation.orders, order] },
    [Command.CreateOrder({ orderId, packId: pack.id, packTitle: pack.title, quote: order.quote })]
  )
}

/** Deletes the photos and goes on in `stage` with `messages`, unless a paid order still needs them. */
const startOver = (
  conversation: Conversation,
  stage: Stage,
  messages: (started: Conversation) => ReadonlyArray<OutgoingMessage>
): Decision => {
  if (photosInUse(conversation)) {
    return decision(conversation, send(textMessage(phrasesFor(conversation.language).photosInUse)))
  }
  const discarded = discardPhotos(conversation)
  const started: Conversation = {
    ...discarded.conversation,
    stage,
    reuseTuneId: undefined,
    chosenPack: undefined,
    chosenTier: undefined
  }
  return decision(started, [...discarded.commands, ...send(...messages(started))])
}

/** A new model: the photo collection starts over, with the guidelines. */
const newModel = (context: DecisionContext, conversation: Conversation, intro: ReadonlyArray<OutgoingMessage>): Decision =>
  startOver(conversation, "New", () => [...intro, guidelinesMessage(conversation.language, context.settings.photoThreshold)])

/** The most recent delivered order: the one a rating or feedback is about. */
export const lastDelivered = (conversation: Conversation): Option.Option<Order> =>
  Arr.findLast(conversation.orders, (order) => order.status === "Delivered")

const rate = (context: DecisionContext, conversation: Conversation, stars: number): Decision => {
  const language = conversation.language
  const p = phrasesFor(language)
  return Option.match(lastDelivered(conversation), {
    onNone: () => staleReply(context, conversation),
    onSome: (order) => {
      if (order.rating !== undefined) return decision(conversation, send(textMessage(p.alreadyRated)))
      const rated: Conversation = {
        ...conversation,
        orders: conversation.orders.map((o) => (o.id === order.id ? { ...o, rating: stars } : o))
      }
      const store = Command.StoreRating({ orderId: order.id, stars })
      if (stars <= 3) {
        return decision({ ...rated, stage: "WritingFeedback" }, [store, ...send(askFeedbackMessage(language))])
      }
      const pricing = context.settings.pricing
      return decision({ ...rated, reuseTuneId: order.tuneId }, [
        store,
        Command.LikePrompts({ orderId: order.id }),
        ...send(
          textMessage(p.ratingThanks),
          tiersMessage(language, pricing, true, p.anotherPack(pricing.returningDiscountPercent), tiersWithPacks(context))
        )
      ])
    }
  })
}

/** "Send your photos" (or more of them). */
const goAhead = (conversation: Conversation, threshold: number): OutgoingMessage => {
  const p = phrasesFor(conversation.language)
  return textMessage(conversation.stage === "PicturesLoaded" ? p.sendMorePhotos : p.sendPhotosNow(threshold))
}

/** The go-ahead for photos, or first the consent question when the person has not agreed yet. */
const photosWelcome = (conversation: Conversation, threshold: number): OutgoingMessage =>
  hasPhotoConsent(conversation) ? goAhead(conversation, threshold) : photoConsentMessage(conversation.language, false)

/** What a button or list row does, given where the person is. */
export const handleAction = (context: DecisionContext, conversation: Conversation, action: ReplyAction): Decision => {
  const { stage, language } = conversation
  const p = phrasesFor(language)
  const threshold = context.settings.photoThreshold
  if (stage === "WritingFeedback" && !usableWhileWritingFeedback.has(action._tag)) {
    return staleReply(context, conversation)
  }
  switch (action._tag) {
    case "Begin":
      if (stage === "New") return decision(conversation, send(guidelinesMessage(language, threshold)))
      if (stage === "TuneReady") return newModel(context, conversation, [])
      return decision(conversation, send(...stagePrompt(context, conversation)))
    case "HowItWorks":
      return decision(conversation, send(howItWorksMessage(language, threshold)))
    case "ChooseLanguage":
      return decision(conversation, send(languagePickerMessage(language)))
    case "SetLanguage": {
      const switched: Conversation = { ...conversation, language: action.language }
      return decision(
        switched,
        send(textMessage(phrasesFor(action.language).languageChanged), ...stagePrompt(context, switched))
      )
    }
    case "Support": {
      // The order concerned is the latest: the one a person asking now is most likely asking about.
      const latest = conversation.orders.at(-1)
      return decision(conversation, [
        Command.NotifySupport({
          reason: "HelpRequested",
          detail: "The person asked to talk to someone from the menu",
          ...(latest === undefined ? {} : { orderId: latest.id })
        }),
        ...send(textMessage(p.supportOnItsWay))
      ])
    }
    case "DeleteData":
      return decision({ ...conversation, deletionRequested: true }, send(confirmDeleteMessage(language)))
    case "ConfirmDelete":
      if (!conversation.deletionRequested) return staleReply(context, conversation)
      // Everything is forgotten but the language the goodbye was said in.
      return decision(newConversation(language), [Command.EraseUser(), ...send(textMessage(p.dataDeleted))])
    case "CancelDelete":
      if (!conversation.deletionRequested) return staleReply(context, conversation)
      return decision(
        { ...conversation, deletionRequested: false },
        send(textMessage(p.nothingDeleted), ...stagePrompt(context, conversation))
      )
    case "Menu":
      return decision(conversation, send(welcomeMessage(language)))
    case "Ready":
      return decision(conversation, send(photosWelcome(conversation, threshold)))
    case "AgreePhotos":
      return decision({ ...conversation, photoConsent: true }, [
        ...(conversation.photoConsent ? [] : [Command.RecordPhotoConsent()]),
        ...send(goAhead(conversation, threshold))
      ])
    case "Examples":
      return decision(
        conversation,
        send(...exampleMessages(language, context.settings.examplePhotos), guidelinesMessage(language, threshold))
      )
    case "AddMore":
      if (stage !== "PicturesLoaded") return staleReply(context, conversation)
      return decision(conversation, send(photosWelcome(conversation, threshold)))
    case "Done":
      return whenOrdering(context, conversation, () => showTiers(context, conversation))
    case "ResetPhotos":
      // A returning person stays among their models; anyone else goes back to the guidelines.
      if (stage === "TuneReady") {
        return startOver(conversation, "TuneReady", (started) => [textMessage(p.photosReset), ...stagePrompt(context, started)])
      }
      return newModel(context, conversation, [textMessage(p.photosReset)])
    case "SetClass": {
      const classified: Conversation = { ...conversation, chosenClass: action.personClass }
      return decision(classified, [
        ...send(textMessage(p.classSaved)),
        ...(stage === "PicturesLoaded" ? send(picturesMenuMessage(language, conversation.acceptedPhotos)) : [])
      ])
    }
    case "ChooseTier":
      return whenOrdering(context, conversation, (basis) => {
        const packs = context.snapshot.packs.filter((pack) => pack.tier === action.tier)
        if (!Arr.isNonEmptyReadonlyArray(packs)) {
          return decision(conversation, send(textMessage(p.noPacks), tiersFor(context, conversation)))
        }
        const price = quote(context.settings.pricing, action.tier, isReturningCustomer(context, conversation))
        return decision(
          { ...conversation, chosenTier: action.tier, chosenPack: undefined },
          send(...packMessages(language, action.tier, packs, price, basis.personClass))
        )
      })
    case "ChoosePack":
      return whenOrdering(context, conversation, (basis) =>
        Option.match(findPack(context, action.packId), {
          onNone: () => decision(conversation, send(textMessage(p.staleReply), tiersFor(context, conversation))),
          onSome: (pack) => {
            const chosen: Conversation = { ...conversation, chosenPack: pack.id, chosenTier: pack.tier }
            return conversation.termsAgreed
              ? placeOrder(context, chosen, basis, pack)
              : decision(chosen, send(termsMessage(language)))
          }
        })
      )
    case "AgreeTerms":
      return whenOrdering(context, conversation, (basis) =>
        Option.match(Option.flatMap(Option.fromNullable(conversation.chosenPack), (id) => findPack(context, id)), {
          onNone: () => staleReply(context, conversation),
          onSome: (pack) => placeOrder(context, conversation, basis, pack)
        })
      )
    case "Rate":
      if (stage !== "TuneReady") return staleReply(context, conversation)
      return rate(context, conversation, action.stars)
    case "UseModel":
      if (stage !== "New" && stage !== "TuneReady") return staleReply(context, conversation)
      return Option.match(usableModel(context, action.tuneId), {
        onNone: () =>
          decision(
            { ...conversation, reuseTuneId: undefined },
            send(welcomeBackMessage(language, usableModels(context), p.modelUnavailable))
          ),
        onSome: (model) => showTiers(context, { ...conversation, stage: "TuneReady", reuseTuneId: model.tuneId })
      })
    case "NewModel":
      return newModel(context, conversation, [])
    case "SkipFeedback": {
      if (stage !== "WritingFeedback") return staleReply(context, conversation)
      const back: Conversation = { ...conversation, stage: "TuneReady" }
      return decision(back, send(...stagePrompt(context, back)))
    }
  }
}
