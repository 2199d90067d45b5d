import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import * as fc from "fast-check"
import {
  askClassMessage,
  askFeedbackMessage,
  askableClasses,
  confirmDeleteMessage,
  english,
  exampleMessages,
  guidelinesMessage,
  hebrew,
  howItWorksMessage,
  languagePickerMessage,
  limits,
  MinorUnits,
  OutgoingMessage,
  outgoingMessageViolations,
  PackId,
  packMessages,
  parseActionId,
  paymentLinkMessage,
  photoRejectionOrder,
  phrasesFor,
  picturesMenuMessage,
  quote,
  ratingMessage,
  photoConsentMessage,
  termsMessage,
  tierNames,
  tiersMessage,
  TuneId,
  welcomeBackMessage,
  welcomeMessage
} from "../../domain/index.js"
import type { Language, OutgoingMessage as Message, PackOffer, Phrases, SavedModel } from "../../domain/index.js"
import { context, packs, pricing, savedModel, threshold } from "./fixtures.js"

const languages: ReadonlyArray<Language> = ["en", "he"]

/** Every plain text the catalogue can say, with sample arguments (large ones where lengths vary). */
const everyText = (p: Phrases): ReadonlyArray<string> => [
  p.welcome.body,
  p.howItWorks(threshold),
  p.guidelines(threshold),
  p.sendPhotosNow(threshold),
  p.photoConsent.notKept,
  p.goodExample,
  p.badExample,
  p.chooseLanguage,
  p.languageChanged,
  p.supportOnItsWay,
  p.confirmDelete,
  p.dataDeleted,
  p.nothingDeleted,
  p.unsupported,
  p.staleReply,
  ...photoRejectionOrder.map(p.rejection),
  p.photoProgress(999, 999),
  p.enoughPhotos,
  p.picturesMenu.body(999),
  p.sendMorePhotos,
  p.photosReset,
  p.askClass.body,
  p.classSaved,
  p.tiers.body(0),
  p.tiers.body(100),
  p.noPacks,
  p.packs.body(p.tierName("Premium")),
  p.terms.body,
  p.paymentReceived,
  p.paymentRefused,
  p.paymentMismatch,
  p.trainingEta(1),
  p.trainingEta(999),
  p.trainingFailed,
  p.imagesReady,
  p.mediaUndeliverable("Image"),
  p.mediaUndeliverable("Video"),
  p.rating.body,
  p.ratingThanks,
  p.alreadyRated,
  p.anotherPack(0),
  p.anotherPack(100),
  p.askFeedback.body,
  p.feedbackReminder,
  p.feedbackThanks,
  p.welcomeBack.body,
  p.modelUnavailable,
  p.chooseModelFirst
]

const manyModels: ReadonlyArray<SavedModel> = Array.from({ length: 12 }, (_, i) => ({
  ...savedModel,
  tuneId: TuneId.make(1000 + i),
  label: `A model with a rather long name number ${i}`
}))

/** Every message the catalogue builds, in one language. */
const everyMessage = (language: Language): ReadonlyArray<Message> => {
  const p = phrasesFor(language)
  return [
    ...everyText(p).map((body) => OutgoingMessage.Text({ body })),
    welcomeMessage(language),
    howItWorksMessage(language, threshold),
    guidelinesMessage(language, threshold),
    ...exampleMessages(language, context.settings.examplePhotos),
    languagePickerMessage(language),
    confirmDeleteMessage(language),
    picturesMenuMessage(language, 999),
    askClassMessage(language),
    tiersMessage(language, pricing, false),
    tiersMessage(language, pricing, true),
    tiersMessage(language, pricing, true, p.anotherPack(pricing.returningDiscountPercent)),
    ...tierNames.flatMap((tier) => packMessages(language, tier, packs, quote(pricing, tier, true), "woman")),
    termsMessage(language),
    photoConsentMessage(language, false),
    photoConsentMessage(language, true),
    paymentLinkMessage(language, "Corporate headshots", quote(pricing, "Premium", false), "https://pay/x"),
    ratingMessage(language),
    askFeedbackMessage(language),
    welcomeBackMessage(language, []),
    welcomeBackMessage(language, manyModels, p.modelUnavailable)
  ]
}

describe("the message catalogue", () => {
  for (const language of languages) {
    it(`fits every one of Meta's limits in ${language}`, () => {
      const broken = everyMessage(language).flatMap((message) =>
        outgoingMessageViolations(message).map((violation) => ({ message, violation }))
      )
      expect(broken).toEqual([])
    })

    it(`offers only reply ids the decider understands, in ${language}`, () => {
      const ids = everyMessage(language).flatMap((message) =>
        message._tag === "Buttons"
          ? message.buttons.map((b) => b.id)
          : message._tag === "List"
            ? message.sections.flatMap((s) => s.rows.map((r) => r.id))
            : []
      )
      expect(ids.length).toBeGreaterThan(30)
      expect(ids.filter((id) => parseActionId(id)._tag === "None")).toEqual([])
    })
  }

  it("says everything in Hebrew in Hebrew, and differently from English", () => {
    const en = everyText(english)
    const he = everyText(hebrew)
    expect(he).toHaveLength(en.length)
    he.forEach((line, i) => {
      expect(line, line).toMatch(/[\u05d0-\u05ea]/)
      expect(line).not.toBe(en[i])
    })
  })

  it("has a short message for every rejection reason, all different", () => {
    for (const p of [english, hebrew]) {
      const lines = photoRejectionOrder.map(p.rejection)
      expect(new Set(lines).size).toBe(photoRejectionOrder.length)
      lines.forEach((line) => expect(line.length).toBeLessThanOrEqual(120))
    }
  })

  it("names every class that can be asked, in both languages", () => {
    for (const p of [english, hebrew]) {
      askableClasses.forEach((c) => expect(p.className(c).length).toBeGreaterThan(0))
    }
  })

  it("fits pack titles and model labels of any length, emoji included", () => {
    const title = fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }).filter((t) => t.trim().length > 0)
    fc.assert(
      fc.property(
        fc.constantFrom(...languages),
        fc.array(title, { minLength: 1, maxLength: 15 }),
        fc.array(title, { maxLength: 15 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (language, packTitles, modelLabels, price) => {
          const offers: ReadonlyArray<PackOffer> = packTitles.map((t, i) => ({
            id: PackId.make(i + 1),
            tier: "Lite",
            title: t,
            imageCount: 40,
            coverUrl: "https://cdn/c.jpg"
          }))
          const models: ReadonlyArray<SavedModel> = modelLabels.map((label, i) => ({
            tuneId: TuneId.make(i + 1),
            label,
            personClass: "man",
            expiresAt: DateTime.unsafeMake("2026-12-31T00:00:00Z")
          }))
          const priced = { ...quote(pricing, "Lite", false), amount: MinorUnits.make(price) }
          const messages = [
            ...packMessages(language, "Lite", offers, quote(pricing, "Lite", false), "man"),
            welcomeBackMessage(language, models),
            paymentLinkMessage(language, packTitles[0] ?? "", priced, "https://pay/x")
          ]
          return messages.every((m) => outgoingMessageViolations(m).length === 0)
        }
      )
    )
  })

  it("keeps lists within ten rows however many packs or models there are", () => {
    const list = welcomeBackMessage("en", manyModels)
    expect(list._tag === "List" && list.sections.flatMap((s) => s.rows).length).toBe(limits.maxRows)
  })
})
