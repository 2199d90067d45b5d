import { describe, expect, it } from "@effect/vitest"
import { DateTime, Schema } from "effect"
import * as fc from "fast-check"
import {
  actionId,
  Conversation,
  decide,
  english,
  hebrew,
  Input,
  MediaRef,
  MinorUnits,
  newConversation,
  OrderId,
  orderTransitions,
  outgoingMessageViolations,
  PackId,
  parseActionId,
  photoRejectionOrder,
  PhotoVerdict,
  ReplyAction,
  TuneId
} from "../../domain/index.js"
import type { Command, Conversation as ConversationState } from "../../domain/index.js"
import {
  contextWith,
  expiredModel,
  inspection,
  messageId,
  now,
  offeredIds,
  ofTag,
  oneActionOfEachKind,
  savedModel,
  sentTexts,
  threshold
} from "./fixtures.js"

/**
 * A step builds its input from what happened so far: payments name real orders, and taps pick
 * among the reply ids the bot has just offered, as a person would.
 */
type Step = (conversation: ConversationState, step: number, offered: ReadonlyArray<string>) => Input

const replyIds: ReadonlyArray<string> = [
  ...[
    ...oneActionOfEachKind,
    ReplyAction.SetLanguage({ language: "en" }),
    ReplyAction.ChooseTier({ tier: "Premium" }),
    ReplyAction.ChoosePack({ packId: PackId.make(301) }),
    ReplyAction.ChoosePack({ packId: PackId.make(999) }),
    ReplyAction.Rate({ stars: 1 }),
    ReplyAction.Rate({ stars: 2 }),
    ReplyAction.Rate({ stars: 3 }),
    ReplyAction.UseModel({ tuneId: expiredModel.tuneId })
  ].map(actionId),
  "garbage",
  "pack:abc",
  ""
]

/** The id of one of the orders placed so far, or of an order we never placed. */
const someOrder = (index: number) => (conversation: ConversationState) =>
  conversation.orders[index % (conversation.orders.length + 1)]?.id ?? OrderId.make("unknown-order")

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom("hi", "english", "עברית", "this is my feedback", "").map((body): Step => (_, n) =>
    Input.TextReceived({ messageId: messageId(n), text: body })
  ),
  fc.constant<Step>((_, n) => Input.PhotoReceived({ messageId: messageId(n) })),
  fc.constant<Step>((_, n) => Input.UnsupportedReceived({ messageId: messageId(n) })),
  fc.tuple(fc.constantFrom(...replyIds), fc.boolean()).map(([id, isList]): Step => (_, n) =>
    isList ? Input.ListReply({ messageId: messageId(n), id }) : Input.ButtonReply({ messageId: messageId(n), id })
  ),
  {
    arbitrary: fc.nat().map((choice): Step => (_, n, offered) =>
      Input.ListReply({ messageId: messageId(n), id: offered[choice % Math.max(1, offered.length)] ?? "menu" })
    ),
    weight: 10
  },
  // Accepted photos weigh more, so that sequences reach the threshold and go on to order.
  {
    arbitrary: fc.constantFrom("", "man", "woman").map((className): Step => (_, n) =>
      Input.PhotoChecked({
        messageId: messageId(n),
        verdict: PhotoVerdict.Accepted(className === "" ? {} : { inspection: inspection(className) })
      })
    ),
    weight: 4
  },
  fc.constantFrom(...photoRejectionOrder).map((reason): Step => (_, n) =>
    Input.PhotoChecked({ messageId: messageId(n), verdict: PhotoVerdict.Rejected({ reason }) })
  ),
  fc.tuple(fc.nat(5), fc.constantFrom(0, 1592, 1990, 2392, 3992, 4990, 5000), fc.constantFrom("USD", "EUR")).map(
    ([index, amount, currency]): Step => (c) =>
      Input.PaymentConfirmed({ orderId: someOrder(index)(c), amount: MinorUnits.make(amount), currency })
  ),
  {
    arbitrary: fc.nat(5).map((index): Step => (c) => {
      const order = c.orders[index % Math.max(1, c.orders.length)]
      return order === undefined
        ? Input.PaymentFailed({ orderId: OrderId.make("unknown-order") })
        : Input.PaymentConfirmed({ orderId: order.id, amount: order.quote.amount, currency: order.quote.currency })
    }),
    weight: 2
  },
  // Our services moving the latest order on, as Astria would.
  {
    arbitrary: fc.constant<Step>((c, n) => {
      const order = c.orders.at(-1)
      if (order === undefined) return Input.TrainingFailed({ orderId: OrderId.make("unknown-order") })
      return order.status === "Paid"
        ? Input.TuneCreated({ orderId: order.id, tuneId: TuneId.make(n + 1), eta: DateTime.add(now, { minutes: 30 }) })
        : Input.ImagesReady({ orderId: order.id, images: [MediaRef.Link({ url: "https://astria/1.jpg" })] })
    }),
    weight: 3
  },
  fc.nat(5).map((index): Step => (c) => Input.PaymentFailed({ orderId: someOrder(index)(c) })),
  fc.tuple(fc.nat(5), fc.integer({ min: -5, max: 120 })).map(([index, minutes]): Step => (c, n) =>
    Input.TuneCreated({ orderId: someOrder(index)(c), tuneId: TuneId.make(n + 1), eta: DateTime.add(now, { minutes }) })
  ),
  fc.nat(5).map((index): Step => (c) => Input.TrainingFailed({ orderId: someOrder(index)(c) })),
  fc.tuple(fc.nat(5), fc.boolean()).map(([index, withVideo]): Step => (c) =>
    Input.ImagesReady({
      orderId: someOrder(index)(c),
      images: [MediaRef.Link({ url: "https://astria/1.jpg" })],
      video: withVideo ? MediaRef.Link({ url: "https://astria/v.mp4" }) : undefined
    })
  ),
  // The sender giving up on a headshot or video, whatever the stage.
  fc.constantFrom<"Image" | "Video">("Image", "Video").map((kind): Step => (_, n) =>
    Input.MediaUndeliverable({ kind, reference: `message ${n}` })
  )
)

/** Enough runs that the rarer paths (a delivered order, a low rating) come up dozens of times. */
const runs = 500

const sequenceArb = fc.tuple(fc.array(stepArb, { minLength: 10, maxLength: 100, size: "max" }), fc.boolean())

interface Trace {
  readonly before: ConversationState
  readonly input: Input
  readonly after: ConversationState
  readonly commands: ReadonlyArray<Command>
}

/** Runs a sequence, the application's way: a fresh order id is ready for every decision. */
const play = (steps: ReadonlyArray<Step>, withSavedModels: boolean): ReadonlyArray<Trace> => {
  let conversation = newConversation()
  let offered: ReadonlyArray<string> = []
  return steps.map((step, n) => {
    const context = contextWith({
      newOrderId: `order-${n}`,
      savedModels: withSavedModels ? [savedModel, expiredModel] : []
    })
    const input = step(conversation, n, offered)
    const { conversation: after, commands } = decide(context, conversation, input)
    const trace = { before: conversation, input, after, commands }
    conversation = after
    const nowOffered = offeredIds(commands)
    if (nowOffered.length > 0) offered = nowOffered
    return trace
  })
}

const isConversation = Schema.is(Conversation)
const toJson = Schema.encodeSync(Conversation)
const fromJson = Schema.decodeUnknownSync(Conversation)

const enoughSaid = (commands: ReadonlyArray<Command>) =>
  sentTexts(commands).filter((line) => line === english.enoughPhotos || line === hebrew.enoughPhotos).length

describe("the decider, over any sequence of inputs", () => {
  it("never throws, and keeps a valid conversation in one of the four stages, storable as JSON", () => {
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        for (const { after } of play(steps, saved)) {
          expect(isConversation(after)).toBe(true)
          expect(fromJson(JSON.parse(JSON.stringify(toJson(after))))).toEqual(after)
          expect(["New", "PicturesLoaded", "TuneReady", "WritingFeedback"]).toContain(after.stage)
          expect(after.acceptedPhotos).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: runs }
    )
  })

  it("starts at most one training per order, and only for a paid order it placed", () => {
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        const trace = play(steps, saved)
        const placed = new Set(trace.flatMap((t) => ofTag(t.commands, "CreateOrder").map((c) => c.orderId)))
        const trained = trace.flatMap((t) => ofTag(t.commands, "CreateTune").map((c) => c.orderId))
        expect(new Set(trained).size).toBe(trained.length)
        for (const orderId of trained) expect(placed.has(orderId)).toBe(true)
        for (const t of trace) {
          for (const { orderId } of ofTag(t.commands, "CreateTune")) {
            expect(t.input._tag).toBe("PaymentConfirmed")
            expect(t.after.orders.find((o) => o.id === orderId)?.status).toBe("Paid")
          }
        }
      }),
      { numRuns: runs }
    )
  })

  it("a duplicated payment starts one training", () => {
    fc.assert(
      fc.property(sequenceArb, fc.integer({ min: 2, max: 5 }), ([steps, saved], copies) => {
        const trace = play(steps, saved)
        const last = trace.at(-1)?.after ?? newConversation()
        const context = contextWith({ savedModels: saved ? [savedModel] : [] })
        let conversation = last
        let tunes = 0
        for (const order of last.orders) {
          const payment = Input.PaymentConfirmed({ orderId: order.id, amount: order.quote.amount, currency: order.quote.currency })
          for (let i = 0; i < copies; i++) {
            const next = decide(context, conversation, payment)
            conversation = next.conversation
            tunes += ofTag(next.commands, "CreateTune").length
          }
        }
        expect(tunes).toBe(last.orders.filter((o) => o.status === "AwaitingPayment").length)
      }),
      { numRuns: runs }
    )
  })

  it("moves orders forward only, and loses them only when the person's data is erased", () => {
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        for (const { before, after, commands } of play(steps, saved)) {
          if (ofTag(commands, "EraseUser").length > 0) {
            expect(after.orders).toEqual([])
            continue
          }
          for (const old of before.orders) {
            const now = after.orders.find((o) => o.id === old.id)
            expect(now).toBeDefined()
            if (now !== undefined && now.status !== old.status) expect(orderTransitions[old.status]).toContain(now.status)
          }
        }
      }),
      { numRuns: runs }
    )
  })

  it("says 'that's enough photos' once per collection of photos", () => {
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        let saidSinceReset = false
        for (const { after, commands } of play(steps, saved)) {
          const said = enoughSaid(commands)
          expect(said).toBeLessThanOrEqual(1)
          if (said === 1) {
            expect(saidSinceReset).toBe(false)
            saidSinceReset = true
          }
          if (after.acceptedPhotos === 0) saidSinceReset = false
        }
      }),
      { numRuns: runs }
    )
  })

  it("sends only messages within Meta's limits, offering only ids it understands, after marking the message read", () => {
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        for (const { input, commands } of play(steps, saved)) {
          for (const { message } of ofTag(commands, "Send")) expect(outgoingMessageViolations(message)).toEqual([])
          for (const id of offeredIds(commands)) expect(parseActionId(id)._tag).toBe("Some")
          const fromPerson = ["TextReceived", "PhotoReceived", "ButtonReply", "ListReply", "UnsupportedReceived"]
          if (fromPerson.includes(input._tag)) expect(commands[0]?._tag).toBe("MarkReadAndTyping")
          else expect(ofTag(commands, "MarkReadAndTyping")).toEqual([])
        }
      }),
      { numRuns: runs }
    )
  })
})

describe("the person's language", () => {
  it("is the language of everything said to them", () => {
    const hebrewLetter = /[\u05d0-\u05ea]/
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        for (const { after, commands } of play(steps, saved)) {
          // Pack titles come from Astria in English, so only our own wording is checked.
          for (const body of sentTexts(commands)) {
            expect(hebrewLetter.test(body), body).toBe(after.language === "he")
          }
        }
      }),
      { numRuns: runs }
    )
  })
})

describe("the generated sequences", () => {
  it("reach every stage and every step of an order often enough to mean something", () => {
    const seen = new Map<string, number>()
    const note = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1)
    fc.assert(
      fc.property(sequenceArb, ([steps, saved]) => {
        const trace = play(steps, saved)
        new Set(trace.map((t) => t.after.stage)).forEach(note)
        new Set(trace.flatMap((t) => t.commands.map((c) => c._tag))).forEach(note)
        if (trace.some((t) => enoughSaid(t.commands) > 0)) note("enough")
      }),
      { numRuns: runs, seed: 42 }
    )
    for (const key of ["PicturesLoaded", "TuneReady", "WritingFeedback", "CreateOrder", "CreateTune", "StoreRating", "EraseUser", "enough"]) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThanOrEqual(10)
    }
  })
})

describe("a burst of photos", () => {
  it("produces exactly one 'that's enough photos', however many verdicts arrive and in what mix", () => {
    const verdictArb = fc.oneof(
      { arbitrary: fc.constant(PhotoVerdict.Accepted({})), weight: 3 },
      fc.constantFrom(...photoRejectionOrder).map((reason) => PhotoVerdict.Rejected({ reason }))
    )
    fc.assert(
      fc.property(fc.array(verdictArb, { minLength: 1, maxLength: 40 }), (verdicts) => {
        const context = contextWith()
        let conversation = decide(context, newConversation(), Input.TextReceived({ messageId: messageId(0), text: "hi" })).conversation
        let said = 0
        verdicts.forEach((verdict, n) => {
          const next = decide(context, conversation, Input.PhotoChecked({ messageId: messageId(n), verdict }))
          conversation = next.conversation
          said += enoughSaid(next.commands)
        })
        const acceptedCount = verdicts.filter((v) => v._tag === "Accepted").length
        expect(conversation.acceptedPhotos).toBe(acceptedCount)
        expect(said).toBe(acceptedCount >= threshold ? 1 : 0)
        expect(conversation.stage).toBe(acceptedCount >= threshold ? "PicturesLoaded" : "New")
      }),
      { numRuns: runs }
    )
  })
})
