import { Array as Arr, DateTime } from "effect"
import type { PackOffer, SavedModel, ExamplePhoto } from "../conversation/DecisionContext.js"
import { actionId, askableClasses, ReplyAction } from "../conversation/ReplyAction.js"
import { fitTo, limits } from "../messages/limits.js"
import { MediaRef, OutgoingMessage } from "../messages/OutgoingMessage.js"
import type { ListRow, ReplyButton } from "../messages/OutgoingMessage.js"
import { formatMoney } from "../pricing/Money.js"
import { quote, quotedMoney } from "../pricing/Quote.js"
import type { Quote } from "../pricing/Quote.js"
import { tierNames } from "../pricing/Tier.js"
import type { PricingSettings, TierName } from "../pricing/Tier.js"
import { phrasesFor } from "./Catalogue.js"
import type { Language } from "./Language.js"
import type { RowText } from "./Phrases.js"

/**
 * The bot's messages, built from a person's phrases and the reply ids the decider understands.
 * Text that comes from outside (pack titles, model labels) is shortened to Meta's limits here.
 */

const button = (action: ReplyAction, title: string): ReplyButton => ({ id: actionId(action), title })

const row = (action: ReplyAction, text: RowText): ListRow => ({ id: actionId(action), ...text })

/** A one-section list; the section is titled like the list's button (both well under 24). */
const list = (body: string, buttonLabel: string, rows: ReadonlyArray<ListRow>): OutgoingMessage =>
  OutgoingMessage.List({
    body,
    buttonLabel,
    sections: [{ title: buttonLabel, rows: Arr.take(rows, limits.maxRows) }]
  })

export const textMessage = (body: string): OutgoingMessage => OutgoingMessage.Text({ body })

export const welcomeMessage = (language: Language): OutgoingMessage => {
  const w = phrasesFor(language).welcome
  return list(w.body, w.button, [
    row(ReplyAction.Begin(), w.begin),
    row(ReplyAction.HowItWorks(), w.howItWorks),
    row(ReplyAction.ChooseLanguage(), w.changeLanguage),
    row(ReplyAction.Support(), w.support),
    row(ReplyAction.DeleteData(), w.deleteData)
  ])
}

export const howItWorksMessage = (language: Language, threshold: number): OutgoingMessage => {
  const p = phrasesFor(language)
  return OutgoingMessage.Buttons({
    body: p.howItWorks(threshold),
    buttons: [button(ReplyAction.Begin(), p.letsBegin)]
  })
}

export const guidelinesMessage = (language: Language, threshold: number): OutgoingMessage => {
  const p = phrasesFor(language)
  return OutgoingMessage.Buttons({
    body: p.guidelines(threshold),
    buttons: [button(ReplyAction.Ready(), p.imReady), button(ReplyAction.Examples(), p.showExamples)]
  })
}

/** The consent question; `photoNotKept` when it answers a photo that was not kept. */
export const photoConsentMessage = (language: Language, photoNotKept: boolean): OutgoingMessage => {
  const c = phrasesFor(language).photoConsent
  return OutgoingMessage.Buttons({
    body: photoNotKept ? `${c.notKept}\n\n${c.body}` : c.body,
    buttons: [button(ReplyAction.AgreePhotos(), c.agree)]
  })
}

export const exampleMessages = (language: Language, examples: ReadonlyArray<ExamplePhoto>): ReadonlyArray<OutgoingMessage> => {
  const p = phrasesFor(language)
  return examples.map((example) =>
    OutgoingMessage.Image({ media: example.media, caption: example.good ? p.goodExample : p.badExample })
  )
}

export const languagePickerMessage = (language: Language): OutgoingMessage =>
  OutgoingMessage.Buttons({
    body: phrasesFor(language).chooseLanguage,
    // Each language is offered in its own words, so a person who can't read the other still finds theirs.
    buttons: [
      button(ReplyAction.SetLanguage({ language: "en" }), "English"),
      button(ReplyAction.SetLanguage({ language: "he" }), "עברית")
    ]
  })

export const confirmDeleteMessage = (language: Language): OutgoingMessage => {
  const p = phrasesFor(language)
  return OutgoingMessage.Buttons({
    body: p.confirmDelete,
    buttons: [button(ReplyAction.ConfirmDelete(), p.yesDelete), button(ReplyAction.CancelDelete(), p.cancel)]
  })
}

export const picturesMenuMessage = (language: Language, acceptedPhotos: number): OutgoingMessage => {
  const m = phrasesFor(language).picturesMenu
  // Four choices: more than WhatsApp's three reply buttons, hence a list.
  return list(m.body(acceptedPhotos), m.button, [
    row(ReplyAction.AddMore(), m.addMore),
    row(ReplyAction.Done(), m.done),
    row(ReplyAction.ResetPhotos(), m.reset),
    row(ReplyAction.Support(), m.support)
  ])
}

export const askClassMessage = (language: Language): OutgoingMessage => {
  const p = phrasesFor(language)
  return list(
    p.askClass.body,
    p.askClass.button,
    askableClasses.map((personClass) => row(ReplyAction.SetClass({ personClass }), { title: p.className(personClass) }))
  )
}

/**
 * The tiers on sale with their prices: those with a pack, all three while no tier has one (then
 * choosing says there are no packs yet). `body` lets the offer after a rating reuse the same list.
 */
export const tiersMessage = (
  language: Language,
  pricing: PricingSettings,
  returningCustomer: boolean,
  body?: string,
  withPacks: ReadonlyArray<TierName> = tierNames
): OutgoingMessage => {
  const p = phrasesFor(language)
  const offered = tierNames.filter((tier) => withPacks.includes(tier))
  const quotes = (offered.length > 0 ? offered : tierNames).map((tier) => quote(pricing, tier, returningCustomer))
  const discount = returningCustomer ? pricing.returningDiscountPercent : 0
  return list(
    body ?? p.tiers.body(discount),
    p.tiers.button,
    quotes.map((q) =>
      row(ReplyAction.ChooseTier({ tier: q.tier }), {
        title: p.tierName(q.tier),
        description: fitTo(
          limits.rowDescription,
          p.tiers.row(
            q.imageCount,
            formatMoney(quotedMoney(q)),
            q.amount < q.listPrice ? formatMoney({ amount: q.listPrice, currency: q.currency }) : undefined
          )
        )
      })
    )
  )
}

/** The picture of a pack for a person of this class: its preview for the class, else its cover. */
export const packPicture = (pack: PackOffer, personClass: string): MediaRef | undefined => {
  const preview = pack.previews?.[personClass]
  if (preview !== undefined) return MediaRef.Uploaded({ mediaId: preview })
  return pack.coverUrl === undefined ? undefined : MediaRef.Link({ url: pack.coverUrl })
}

/**
 * Each pack's picture (the preview of the person's class, or the cover) with its title and
 * price, then a list to choose one.
 */
export const packMessages = (
  language: Language,
  tier: TierName,
  packs: ReadonlyArray<PackOffer>,
  price: Quote,
  personClass: string
): ReadonlyArray<OutgoingMessage> => {
  const p = phrasesFor(language)
  const shown = Arr.take(packs, limits.maxRows)
  const priceText = formatMoney(quotedMoney(price))
  const pictures = shown.flatMap((pack) => {
    const media = packPicture(pack, personClass)
    return media === undefined
      ? []
      : [
          OutgoingMessage.Image({
            media,
            caption: fitTo(limits.caption, p.packs.caption(pack.title, pack.imageCount, priceText))
          })
        ]
  })
  const choice = list(
    p.packs.body(p.tierName(tier)),
    p.packs.button,
    shown.map((pack) =>
      row(ReplyAction.ChoosePack({ packId: pack.id }), {
        title: fitTo(limits.rowTitle, pack.title),
        description: fitTo(limits.rowDescription, p.packs.row(pack.imageCount, priceText))
      })
    )
  )
  return [...pictures, choice]
}

export const termsMessage = (language: Language): OutgoingMessage => {
  const t = phrasesFor(language).terms
  return OutgoingMessage.Buttons({
    body: t.body,
    buttons: [button(ReplyAction.AgreeTerms(), t.agree), button(ReplyAction.Done(), t.back)]
  })
}

/**
 * The message that carries an order's payment link. The application sends it after it has
 * created the order and its link (see the `CreateOrder` command).
 */
export const paymentLinkMessage = (language: Language, packTitle: string, price: Quote, url: string): OutgoingMessage => {
  const p = phrasesFor(language).paymentLink
  return OutgoingMessage.LinkButton({
    body: fitTo(limits.interactiveBody, p.body(packTitle, formatMoney(quotedMoney(price)))),
    label: p.button,
    url
  })
}

const starsOffered = [5, 4, 3, 2, 1] as const

export const ratingMessage = (language: Language): OutgoingMessage => {
  const r = phrasesFor(language).rating
  return list(r.body, r.button, starsOffered.map((stars) => row(ReplyAction.Rate({ stars }), r.stars(stars))))
}

export const askFeedbackMessage = (language: Language): OutgoingMessage => {
  const f = phrasesFor(language).askFeedback
  return OutgoingMessage.Buttons({ body: f.body, buttons: [button(ReplyAction.SkipFeedback(), f.skip)] })
}

/** Room for the models once "New model" and "Menu" have their rows. */
const maxModelRows = limits.maxRows - 2

export const welcomeBackMessage = (
  language: Language,
  models: ReadonlyArray<SavedModel>,
  body?: string
): OutgoingMessage => {
  const w = phrasesFor(language).welcomeBack
  return list(body ?? w.body, w.button, [
    ...Arr.take(models, maxModelRows).map((model) =>
      row(ReplyAction.UseModel({ tuneId: model.tuneId }), {
        title: fitTo(limits.rowTitle, model.label),
        description: fitTo(limits.rowDescription, w.modelRow(DateTime.formatIsoDateUtc(model.expiresAt)))
      })
    ),
    row(ReplyAction.NewModel(), w.newModel),
    row(ReplyAction.Menu(), w.menu)
  ])
}
