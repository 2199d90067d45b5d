import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import {
  english,
  hebrew,
  Input,
  MediaRef,
  MinorUnits,
  OrderId,
  PhotoVerdict,
  TuneId,
  decide,
  newConversation,
  outgoingMessageViolations
} from "../../domain/index.js"
import type { Command, Conversation, Language, Phrases } from "../../domain/index.js"
import {
  accepted,
  button,
  inspection,
  context,
  contextWith,
  listRow,
  messageId,
  now,
  ofTag,
  offeredIds,
  picturesLoaded,
  run,
  savedModel,
  sentTexts,
  text,
  threshold
} from "./fixtures.js"

const orderId = OrderId.make("order-1")

const images = [MediaRef.Link({ url: "https://astria/1.jpg" }), MediaRef.Link({ url: "https://astria/2.jpg" })]

const eta = DateTime.add(now, { minutes: 25 })

/** The whole journey, step by step, checking what the person sees at each one. */
const journey = (language: Language, phrases: Phrases, greeting: string) => {
  let conversation: Conversation = newConversation()
  const step = (input: Input, ctx = context): ReadonlyArray<Command> => {
    const next = decide(ctx, conversation, input)
    conversation = next.conversation
    // Whatever the bot says on the way fits WhatsApp's limits.
    for (const command of ofTag(next.commands, "Send")) {
      expect(outgoingMessageViolations(command.message)).toEqual([])
    }
    return next.commands
  }

  const first = step(text(greeting))
  expect(first[0]).toEqual(expect.objectContaining({ _tag: "MarkReadAndTyping", messageId: messageId(1) }))
  expect(conversation.language).toBe(language)
  expect(offeredIds(first)).toEqual(["begin", "how", "language", "support", "delete"])

  expect(offeredIds(step(listRow("begin")))).toEqual(["ready", "examples"])
  // Before the first photo: what is done with photos, and a button to agree.
  const asked = step(button("ready"))
  expect(offeredIds(asked)).toEqual(["photo_consent"])
  expect(sentTexts(asked)).toEqual([phrases.photoConsent.body])
  const agreed = step(button("photo_consent"))
  expect(ofTag(agreed, "RecordPhotoConsent")).toHaveLength(1)
  expect(sentTexts(agreed)).toEqual([phrases.sendPhotosNow(threshold)])

  for (let n = 1; n <= threshold; n++) {
    const photo = step(Input.PhotoReceived({ messageId: messageId(`p${n}`) }))
    expect(ofTag(photo, "ProcessPhoto")).toEqual([expect.objectContaining({ messageId: messageId(`p${n}`) })])
  }
  step(accepted("p1", "woman"))
  step(Input.PhotoChecked({ messageId: messageId("p2"), verdict: PhotoVerdict.Rejected({ reason: "sunglasses" }) }))
  step(accepted("p3", "woman"))
  step(accepted("p4", "man"))
  expect(conversation.stage).toBe("New")
  const enough = step(accepted("p5", "woman"))
  expect(conversation.stage).toBe("PicturesLoaded")
  expect(sentTexts(enough)).toContain(phrases.enoughPhotos)
  expect(offeredIds(enough)).toEqual(["add_more", "done", "reset", "support"])

  const tiers = step(listRow("done"))
  expect(offeredIds(tiers)).toEqual(["tier:Lite", "tier:Standard", "tier:Premium"])
  const packList = step(listRow("tier:Lite"))
  expect(offeredIds(packList)).toEqual(["pack:101", "pack:102"])
  expect(offeredIds(step(listRow("pack:101")))).toEqual(["agree", "done"])

  const ordered = step(button("agree"))
  expect(ofTag(ordered, "CreateOrder")).toEqual([
    expect.objectContaining({
      orderId,
      quote: expect.objectContaining({ tier: "Lite", amount: 1990, discountPercent: 0, currency: "USD" })
    })
  ])

  const paid = step(Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" }))
  expect(sentTexts(paid)).toEqual([phrases.paymentReceived])
  expect(ofTag(paid, "CreateTune")).toEqual([
    expect.objectContaining({ orderId, personClass: "woman", source: { _tag: "Photos" } })
  ])

  expect(sentTexts(step(Input.TuneCreated({ orderId, tuneId: TuneId.make(77), eta })))).toEqual([
    phrases.trainingEta(25)
  ])

  const delivered = step(Input.ImagesReady({ orderId, images }))
  expect(conversation.stage).toBe("TuneReady")
  expect(ofTag(delivered, "Send").filter(({ message }) => message._tag === "Image")).toHaveLength(2)
  expect(offeredIds(delivered)).toEqual(["rate:5", "rate:4", "rate:3", "rate:2", "rate:1"])
  expect(conversation.acceptedPhotos).toBe(0)

  // The model just trained is now one of the person's saved models.
  const returning = contextWith({
    newOrderId: "order-2",
    savedModels: [{ ...savedModel, tuneId: TuneId.make(77) }]
  })
  const rated = step(listRow("rate:5"), returning)
  expect(ofTag(rated, "StoreRating")).toEqual([expect.objectContaining({ orderId, stars: 5 })])
  expect(ofTag(rated, "LikePrompts")).toEqual([expect.objectContaining({ orderId })])
  expect(sentTexts(rated)).toContain(phrases.anotherPack(20))

  step(listRow("tier:Standard"), returning)
  const again = step(listRow("pack:201"), returning)
  // Terms were agreed once; the second order goes straight to the payment link.
  expect(ofTag(again, "CreateOrder")).toEqual([
    expect.objectContaining({
      orderId: OrderId.make("order-2"),
      quote: expect.objectContaining({ tier: "Standard", listPrice: 2990, amount: 2392, discountPercent: 20 })
    })
  ])
  const paidAgain = step(
    Input.PaymentConfirmed({ orderId: OrderId.make("order-2"), amount: MinorUnits.make(2392), currency: "USD" }),
    returning
  )
  expect(ofTag(paidAgain, "CreateTune")).toEqual([
    expect.objectContaining({ source: { _tag: "SavedTunes", tuneIds: [TuneId.make(77)] }, personClass: "woman" })
  ])
}

describe("the whole journey through the decider", () => {
  it("in English", () => journey("en", english, "hi"))
  it("in Hebrew, chosen by writing עברית", () => journey("he", hebrew, "עברית"))
})

describe("unhappy paths", () => {
  it("a low rating asks for written feedback, stores it, tells support, then returns to TuneReady", () => {
    const delivered = run(
      [
        listRow("done"),
        listRow("tier:Lite"),
        listRow("pack:101"),
        button("agree"),
        Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" }),
        Input.ImagesReady({ orderId, images })
      ],
      picturesLoaded()
    )
    const low = run([listRow("rate:2")], delivered.conversation)
    expect(low.conversation.stage).toBe("WritingFeedback")
    expect(ofTag(low.commands, "LikePrompts")).toEqual([])
    const written = run([text("The faces look nothing like me")], low.conversation)
    expect(written.conversation.stage).toBe("TuneReady")
    expect(ofTag(written.commands, "StoreFeedback")).toEqual([
      expect.objectContaining({ orderId, text: "The faces look nothing like me" })
    ])
    expect(ofTag(written.commands, "NotifySupport")).toEqual([expect.objectContaining({ reason: "LowRatingFeedback" })])
  })

  it("paying an order twice starts one training", () => {
    const payment = Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" })
    const result = run(
      [listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree"), payment, payment],
      picturesLoaded()
    )
    expect(ofTag(result.commands, "CreateTune")).toHaveLength(1)
  })

  it("an underpaid or wrong-currency payment starts nothing and tells the person and support", () => {
    const ordered = run([listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree")], picturesLoaded())
    for (const payment of [
      Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1989), currency: "USD" }),
      Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "EUR" })
    ]) {
      const result = decide(context, ordered.conversation, payment)
      expect(ofTag(result.commands, "CreateTune")).toEqual([])
      expect(sentTexts(result.commands)).toEqual([english.paymentMismatch])
      expect(ofTag(result.commands, "NotifySupport")).toEqual([expect.objectContaining({ reason: "PaymentMismatch" })])
    }
  })

  it("an overpayment trains and tells support to refund the difference", () => {
    const ordered = run([listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree")], picturesLoaded())
    const result = decide(
      context,
      ordered.conversation,
      Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(2500), currency: "USD" })
    )
    expect(ofTag(result.commands, "CreateTune")).toHaveLength(1)
    expect(ofTag(result.commands, "NotifySupport")).toEqual([expect.objectContaining({ reason: "Overpaid" })])
  })

  it("reset photos deletes them and starts the collection over", () => {
    const result = run([listRow("reset")], picturesLoaded())
    expect(result.conversation).toEqual(expect.objectContaining({ stage: "New", acceptedPhotos: 0, enoughPhotosSaid: false }))
    expect(ofTag(result.commands, "ResetPhotos")).toHaveLength(1)
    expect(offeredIds(result.commands)).toEqual(["ready", "examples"])
  })

  it("reset photos cancels an unpaid order that would train from them; its late payment goes to support", () => {
    const ordered = run([listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree")], picturesLoaded())
    const reset = run([listRow("reset")], ordered.conversation)
    expect(reset.conversation.orders.map((o) => o.status)).toEqual(["Cancelled"])
    const late = run([Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" })], reset.conversation)
    expect(ofTag(late.commands, "CreateTune")).toEqual([])
    expect(sentTexts(late.commands)).toEqual([english.cancelledOrderPaid])
    expect(ofTag(late.commands, "NotifySupport")).toEqual([expect.objectContaining({ reason: "CancelledOrderPaid" })])
  })

  it("a cancelled order does not earn the returning price", () => {
    const ordered = run([listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree")], picturesLoaded())
    const again = run(
      [listRow("reset"), ...Array.from({ length: threshold }, (_, i) => accepted(i + 50, "man")), listRow("done"), listRow("tier:Lite"), listRow("pack:101")],
      ordered.conversation,
      contextWith({ newOrderId: "order-2" })
    )
    expect(ofTag(again.commands, "CreateOrder")).toEqual([
      expect.objectContaining({ quote: expect.objectContaining({ amount: 1990, discountPercent: 0 }) })
    ])
  })

  it("photos a paid order still trains from are kept until its images arrive", () => {
    const paid = run(
      [
        listRow("done"),
        listRow("tier:Lite"),
        listRow("pack:101"),
        button("agree"),
        Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" })
      ],
      picturesLoaded()
    )
    for (const id of ["reset", "new_model"]) {
      const refused = run([listRow(id)], paid.conversation)
      expect(ofTag(refused.commands, "ResetPhotos")).toEqual([])
      expect(sentTexts(refused.commands)).toEqual([english.photosInUse])
      expect(refused.conversation.acceptedPhotos).toBe(threshold)
    }
    const delivered = run([Input.ImagesReady({ orderId, images })], paid.conversation)
    expect(ofTag(delivered.commands, "ResetPhotos")).toHaveLength(1)
    expect(delivered.conversation.acceptedPhotos).toBe(0)
  })

  it("trains with the class and characteristics most photos showed", () => {
    const verdict = (n: number, className: string, hair: string) =>
      Input.PhotoChecked({
        messageId: messageId(n),
        verdict: PhotoVerdict.Accepted({ inspection: inspection(className, { hair_color: hair, glasses: "" }) })
      })
    const result = run([
      text("hi"),
      verdict(1, "man", "black"),
      verdict(2, "woman", "brown"),
      verdict(3, "woman", "brown"),
      verdict(4, "man", "brown"),
      verdict(5, "woman", "black"),
      listRow("done"),
      listRow("tier:Lite"),
      listRow("pack:101"),
      button("agree"),
      Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" })
    ])
    expect(ofTag(result.commands, "CreateTune")).toEqual([
      expect.objectContaining({ personClass: "woman", characteristics: { hair_color: "brown" } })
    ])
  })

  it("without an inspection the class is asked, and ordering waits for it", () => {
    const loaded = run([text("hi"), ...Array.from({ length: threshold }, (_, i) => accepted(i))])
    expect(offeredIds(loaded.commands).slice(-4)).toEqual(["class:man", "class:woman", "class:boy", "class:girl"])
    expect(offeredIds(run([listRow("done")], loaded.conversation).commands)).toEqual([
      "class:man",
      "class:woman",
      "class:boy",
      "class:girl"
    ])
    const chosen = run([listRow("class:man"), listRow("done")], loaded.conversation)
    expect(offeredIds(chosen.commands)).toContain("tier:Premium")
  })

  it("a returning person reuses a saved model, at the returning price", () => {
    const ctx = contextWith({ savedModels: [savedModel] })
    const start: Conversation = { ...newConversation(), stage: "TuneReady", welcomed: true, termsAgreed: true }
    const welcomeBack = run([text("hello again")], start, ctx)
    expect(offeredIds(welcomeBack.commands)).toEqual(["model:9001", "new_model", "menu"])
    const result = run([listRow("model:9001"), listRow("tier:Premium"), listRow("pack:301")], start, ctx)
    expect(ofTag(result.commands, "CreateOrder")).toEqual([
      expect.objectContaining({ quote: expect.objectContaining({ amount: 3992, discountPercent: 20 }) })
    ])
  })

  it("a first contact with a photo or a sticker is welcomed too; the photo is asked about, not kept", () => {
    const photo = run([Input.PhotoReceived({ messageId: messageId(1) })])
    expect(offeredIds(photo.commands)).toEqual(["begin", "how", "language", "support", "delete", "photo_consent"])
    expect(ofTag(photo.commands, "ProcessPhoto")).toHaveLength(0)
    const sticker = run([Input.UnsupportedReceived({ messageId: messageId(1) })])
    expect(sentTexts(sticker.commands)[0]).toBe(english.unsupported)
    expect(offeredIds(sticker.commands)).toContain("begin")
    // Only the first contact: later photos are not welcomed again.
    const later = run([button("photo_consent", 2), Input.PhotoReceived({ messageId: messageId(3) })], photo.conversation)
    expect(offeredIds(later.commands)).toEqual([])
    expect(ofTag(later.commands, "ProcessPhoto")).toHaveLength(1)
  })

  it("an unsupported message gets one polite line", () => {
    const result = run([Input.UnsupportedReceived({ messageId: messageId(5) })], picturesLoaded())
    expect(sentTexts(result.commands)).toEqual([english.unsupported])
  })

  it("delete my data asks first, then erases everything", () => {
    const asked = run([listRow("delete")], picturesLoaded())
    expect(ofTag(asked.commands, "EraseUser")).toEqual([])
    const erased = run([button("delete_yes")], asked.conversation)
    expect(ofTag(erased.commands, "EraseUser")).toHaveLength(1)
    expect(erased.conversation).toEqual(newConversation())
    // A confirmation that lapsed (something else came in between) erases nothing.
    const lapsed = run([listRow("delete"), text("wait"), button("delete_yes")], picturesLoaded())
    expect(ofTag(lapsed.commands, "EraseUser")).toEqual([])
  })

  it("typing 'delete my data', in English or Hebrew, asks for the same confirmation", () => {
    for (const words of ["Delete my data!", "please delete my data", "מחקו את המידע שלי"]) {
      const asked = run([text(words)], picturesLoaded())
      expect(asked.conversation.deletionRequested).toBe(true)
      expect(ofTag(asked.commands, "EraseUser")).toEqual([])
      const erased = run([button("delete_yes")], asked.conversation)
      expect(ofTag(erased.commands, "EraseUser")).toHaveLength(1)
    }
    // Words that merely mention deletion are not a request.
    expect(run([text("don't delete my data")], picturesLoaded()).conversation.deletionRequested).toBe(false)
  })
})
