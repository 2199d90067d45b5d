import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import {
  decide,
  english,
  hebrew,
  Input,
  MediaRef,
  MinorUnits,
  newConversation,
  OrderId,
  PackId,
  PhotoVerdict,
  quote,
  TuneId
} from "../../domain/index.js"
import type { Command, Conversation, Order, Stage } from "../../domain/index.js"
import {
  accepted,
  button,
  contextWith,
  listRow,
  messageId,
  now,
  ofTag,
  offeredIds,
  picturesLoaded,
  pricing,
  savedModel,
  sentTexts,
  text,
  threshold
} from "./fixtures.js"

const context = contextWith({ savedModels: [savedModel], newOrderId: "order-new" })

const awaiting: Order = {
  id: OrderId.make("order-1"),
  packId: PackId.make(101),
  packTitle: "Corporate headshots",
  quote: quote(pricing, "Lite", false),
  personClass: "woman",
  characteristics: {},
  source: { _tag: "Photos" },
  status: "AwaitingPayment"
}

const delivered = (rating?: number): Order => ({
  ...awaiting,
  id: OrderId.make("order-0"),
  status: "Delivered",
  tuneId: TuneId.make(77),
  rating
})

/**
 * One representative conversation per stage, each with an order waiting for its payment, of a
 * person who agreed that their photos are kept (test/domain/photoConsent.test.ts asks first).
 */
const conversations: Record<Stage, Conversation> = {
  New: { ...newConversation(), welcomed: true, photoConsent: true, acceptedPhotos: 2, orders: [awaiting] },
  PicturesLoaded: { ...picturesLoaded(), orders: [awaiting] },
  TuneReady: { ...newConversation(), stage: "TuneReady", welcomed: true, photoConsent: true, orders: [delivered(), awaiting] },
  WritingFeedback: {
    ...newConversation(),
    stage: "WritingFeedback",
    welcomed: true,
    photoConsent: true,
    orders: [delivered(2), awaiting]
  }
}

/** What a row expects: the next stage, and what the person sees and the application does. */
interface Outcome {
  readonly stage: Stage
  readonly says?: ReadonlyArray<string>
  readonly offers?: ReadonlyArray<string>
  readonly does?: ReadonlyArray<Command["_tag"]>
  readonly doesNot?: ReadonlyArray<Command["_tag"]>
  readonly nothing?: true
}

const stale = (stage: Stage): Outcome => ({ stage, says: [english.staleReply], doesNot: ["CreateOrder", "CreateTune"] })

const welcomeBack = (stage: Stage = "TuneReady"): Outcome => ({ stage, offers: ["model:9001", "new_model"] })

const sameStage = (outcome: Omit<Outcome, "stage">): Record<Stage, Outcome> => ({
  New: { stage: "New", ...outcome },
  PicturesLoaded: { stage: "PicturesLoaded", ...outcome },
  TuneReady: { stage: "TuneReady", ...outcome },
  WritingFeedback: { stage: "WritingFeedback", ...outcome }
})

const orderId = OrderId.make("order-1")

const table: ReadonlyArray<readonly [string, Input, Record<Stage, Outcome>]> = [
  [
    "a text",
    text("hello"),
    {
      New: { stage: "New", says: [english.photoProgress(2, threshold)] },
      PicturesLoaded: { stage: "PicturesLoaded", offers: ["done", "add_more", "reset"] },
      TuneReady: welcomeBack(),
      WritingFeedback: { stage: "TuneReady", does: ["StoreFeedback", "NotifySupport"], says: [english.feedbackThanks] }
    }
  ],
  [
    "a photo",
    Input.PhotoReceived({ messageId: messageId(9) }),
    {
      New: { stage: "New", does: ["MarkReadAndTyping", "ProcessPhoto"] },
      PicturesLoaded: { stage: "PicturesLoaded", does: ["ProcessPhoto"] },
      TuneReady: { stage: "TuneReady", does: ["ProcessPhoto"] },
      WritingFeedback: { stage: "WritingFeedback", says: [english.feedbackReminder], doesNot: ["ProcessPhoto"] }
    }
  ],
  ["an accepted photo", accepted(9), sameStage({ does: ["Send"], doesNot: ["MarkReadAndTyping"] })],
  [
    "a rejected photo",
    Input.PhotoChecked({ messageId: messageId(9), verdict: PhotoVerdict.Rejected({ reason: "hat" }) }),
    sameStage({ says: [english.rejection("hat")] })
  ],
  ["an unsupported message", Input.UnsupportedReceived({ messageId: messageId(9) }), sameStage({ says: [english.unsupported] })],
  ["an unknown reply id", button("what-is-this"), {
    New: stale("New"),
    PicturesLoaded: stale("PicturesLoaded"),
    TuneReady: stale("TuneReady"),
    WritingFeedback: stale("WritingFeedback")
  }],
  [
    "Let's begin",
    listRow("begin"),
    {
      New: { stage: "New", offers: ["ready", "examples"] },
      PicturesLoaded: { stage: "PicturesLoaded", offers: ["done"] },
      TuneReady: { stage: "New", offers: ["ready", "examples"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "Add more",
    listRow("add_more"),
    {
      New: stale("New"),
      PicturesLoaded: { stage: "PicturesLoaded", says: [english.sendMorePhotos] },
      TuneReady: stale("TuneReady"),
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "I agree to keep my photos, again",
    button("photo_consent"),
    {
      New: { stage: "New", says: [english.sendPhotosNow(threshold)], doesNot: ["RecordPhotoConsent", "ProcessPhoto"] },
      PicturesLoaded: { stage: "PicturesLoaded", says: [english.sendMorePhotos], doesNot: ["RecordPhotoConsent"] },
      TuneReady: { stage: "TuneReady", says: [english.sendPhotosNow(threshold)], doesNot: ["RecordPhotoConsent"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "I'm done",
    listRow("done"),
    {
      New: stale("New"),
      PicturesLoaded: { stage: "PicturesLoaded", offers: ["tier:Lite", "tier:Standard", "tier:Premium"] },
      TuneReady: { ...welcomeBack(), says: [english.chooseModelFirst] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "Reset photos",
    listRow("reset"),
    {
      New: { stage: "New", does: ["ResetPhotos"], offers: ["ready"] },
      PicturesLoaded: { stage: "New", does: ["ResetPhotos"], offers: ["ready"] },
      TuneReady: { stage: "TuneReady", says: [english.photosReset], does: ["ResetPhotos"], offers: ["model:9001"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "a tier",
    listRow("tier:Lite"),
    {
      New: stale("New"),
      PicturesLoaded: { stage: "PicturesLoaded", offers: ["pack:101", "pack:102"] },
      TuneReady: welcomeBack(),
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "a pack",
    listRow("pack:101"),
    {
      New: stale("New"),
      PicturesLoaded: { stage: "PicturesLoaded", offers: ["agree"], doesNot: ["CreateOrder"] },
      TuneReady: welcomeBack(),
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "a pack no longer on sale",
    listRow("pack:999"),
    {
      New: stale("New"),
      PicturesLoaded: { stage: "PicturesLoaded", says: [english.staleReply], offers: ["tier:Lite"] },
      TuneReady: welcomeBack(),
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "I agree, with no pack chosen",
    button("agree"),
    {
      New: stale("New"),
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: welcomeBack(),
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "a rating of 5",
    listRow("rate:5"),
    {
      New: stale("New"),
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: { stage: "TuneReady", does: ["StoreRating", "LikePrompts"], offers: ["tier:Lite"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "a rating of 2",
    listRow("rate:2"),
    {
      New: stale("New"),
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: { stage: "WritingFeedback", does: ["StoreRating"], doesNot: ["LikePrompts"], offers: ["skip_feedback"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "use a saved model",
    listRow("model:9001"),
    {
      New: { stage: "TuneReady", offers: ["tier:Lite"] },
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: { stage: "TuneReady", offers: ["tier:Lite"] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  [
    "use an unknown model",
    listRow("model:1"),
    {
      New: { stage: "New", says: [english.modelUnavailable] },
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: { stage: "TuneReady", says: [english.modelUnavailable] },
      WritingFeedback: stale("WritingFeedback")
    }
  ],
  ["Delete my data", listRow("delete"), sameStage({ offers: ["delete_yes", "delete_no"], doesNot: ["EraseUser"] })],
  ["a stale delete confirmation", button("delete_yes"), {
    New: stale("New"),
    PicturesLoaded: stale("PicturesLoaded"),
    TuneReady: stale("TuneReady"),
    WritingFeedback: stale("WritingFeedback")
  }],
  ["Hebrew, please", button("lang:he"), sameStage({ says: [hebrew.languageChanged] })],
  ["Support", listRow("support"), sameStage({ does: ["NotifySupport"], says: [english.supportOnItsWay] })],
  [
    "Skip feedback",
    button("skip_feedback"),
    {
      New: stale("New"),
      PicturesLoaded: stale("PicturesLoaded"),
      TuneReady: stale("TuneReady"),
      WritingFeedback: welcomeBack()
    }
  ],
  [
    "the exact payment",
    Input.PaymentConfirmed({ orderId, amount: MinorUnits.make(1990), currency: "USD" }),
    sameStage({ does: ["CreateTune"], says: [english.paymentReceived], doesNot: ["MarkReadAndTyping"] })
  ],
  [
    "a payment for an unknown order",
    Input.PaymentConfirmed({ orderId: OrderId.make("nope"), amount: MinorUnits.make(1990), currency: "USD" }),
    sameStage({ does: ["NotifySupport"], doesNot: ["CreateTune", "Send"] })
  ],
  ["a refused payment", Input.PaymentFailed({ orderId }), sameStage({ says: [english.paymentRefused] })],
  [
    "a tune created before payment",
    Input.TuneCreated({ orderId, tuneId: TuneId.make(5), eta: DateTime.add(now, { minutes: 10 }) }),
    sameStage({ nothing: true })
  ],
  ["images for an unpaid order", Input.ImagesReady({ orderId, images: [MediaRef.Link({ url: "https://x" })] }), sameStage({ nothing: true })],
  ["a training failure before payment", Input.TrainingFailed({ orderId }), sameStage({ nothing: true })],
  [
    "an image the sender gave up",
    Input.MediaUndeliverable({ kind: "Image", reference: "message m-1" }),
    sameStage({ says: [english.mediaUndeliverable("Image")], does: ["NotifySupport"], doesNot: ["MarkReadAndTyping"] })
  ],
  [
    "a video the sender gave up",
    Input.MediaUndeliverable({ kind: "Video", reference: "message m-2" }),
    sameStage({ says: [english.mediaUndeliverable("Video")], does: ["NotifySupport"], doesNot: ["MarkReadAndTyping"] })
  ]
]

const stages: ReadonlyArray<Stage> = ["New", "PicturesLoaded", "TuneReady", "WritingFeedback"]

describe("the decider, stage by input", () => {
  for (const [name, input, outcomes] of table) {
    for (const stage of stages) {
      it(`${stage} + ${name}`, () => {
        const { conversation, commands } = decide(context, conversations[stage], input)
        const outcome = outcomes[stage]
        expect(conversation.stage).toBe(outcome.stage)
        if (outcome.nothing) {
          expect(commands).toEqual([])
          expect(conversation).toEqual(conversations[stage])
        }
        const said = sentTexts(commands)
        for (const line of outcome.says ?? []) expect(said).toContain(line)
        const offered = offeredIds(commands)
        for (const id of outcome.offers ?? []) expect(offered).toContain(id)
        for (const tag of outcome.does ?? []) expect(ofTag(commands, tag).length).toBeGreaterThan(0)
        for (const tag of outcome.doesNot ?? []) expect(ofTag(commands, tag)).toEqual([])
        // Everything the person sends is marked read first.
        if ("messageId" in input && input._tag !== "PhotoChecked") {
          expect(commands[0]).toEqual(expect.objectContaining({ _tag: "MarkReadAndTyping", messageId: input.messageId }))
        }
      })
    }
  }
})

describe("media the sender gave up", () => {
  for (const stage of stages) {
    for (const language of ["en", "he"] as const) {
      it(`in ${stage}, in ${language}: the person is told in their language, support is told which message, nothing else changes`, () => {
        const before: Conversation = { ...conversations[stage], language }
        const { conversation, commands } = decide(context, before, Input.MediaUndeliverable({ kind: "Image", reference: "message m-1" }))
        expect(conversation).toEqual(before)
        expect(commands.map((command) => command._tag)).toEqual(["Send", "NotifySupport"])
        expect(sentTexts(commands)).toEqual([(language === "he" ? hebrew : english).mediaUndeliverable("Image")])
        expect(ofTag(commands, "NotifySupport")[0]).toMatchObject({ reason: "MediaUndeliverable", detail: "image not delivered: message m-1" })
      })
    }
  }
})
