import { describe, expect, it } from "@effect/vitest"
import { decide } from "../../domain/index.js"
import type { Conversation } from "../../domain/index.js"
import { paymentAskedFor } from "../../domain/catalogue/paymentAskedFor.js"
import { button, context, listRow, ofTag, picturesLoaded, text } from "./fixtures.js"

/** A person who agreed to the terms of pack 101 and has not paid yet. */
const awaitingPayment = (): Conversation => {
  let conversation = picturesLoaded()
  for (const input of [listRow("done"), listRow("tier:Lite"), listRow("pack:101"), button("agree")]) {
    conversation = decide(context, conversation, input).conversation
  }
  return conversation
}

describe("asking to pay", () => {
  it("knows the words in both languages, and nothing that merely contains them", () => {
    expect(["pay", "Pay!", " PAY now ", "payment link", "לשלם", "לתשלום"].filter(paymentAskedFor)).toHaveLength(6)
    expect(["I already paid", "how do I pay?", "repay", "pay me"].filter(paymentAskedFor)).toEqual([])
  })

  it("requests the checkout of the order awaiting payment, at its own quote, and changes nothing else", () => {
    const conversation = awaitingPayment()
    const [order] = conversation.orders
    expect(order?.status).toBe("AwaitingPayment")
    const decided = decide(context, conversation, text("pay"))
    expect(ofTag(decided.commands, "RequestCheckout")).toEqual([
      expect.objectContaining({ orderId: order?.id, packTitle: order?.packTitle, quote: order?.quote })
    ])
    expect(decided.conversation).toEqual({ ...conversation, welcomed: true, deletionRequested: false })
  })

  it("is an ordinary text without an order awaiting payment", () => {
    const decided = decide(context, picturesLoaded(), text("pay"))
    expect(ofTag(decided.commands, "RequestCheckout")).toEqual([])
    expect(ofTag(decided.commands, "Send").length).toBeGreaterThan(0)
  })
})
