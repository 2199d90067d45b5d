import { describe, expect, it } from "vitest"
import { OrderId, PackId } from "../../domain/ids.js"
import type { Conversation, Order } from "../../domain/conversation/Conversation.js"
import { quote } from "../../domain/pricing/Quote.js"
import { context, listRow, ofTag, picturesLoaded, run } from "../domain/fixtures.js"

const order = (id: string): Order => ({
  id: OrderId.make(id),
  packId: PackId.make(1),
  packTitle: "Corporate",
  quote: quote(context.settings.pricing, "Lite", false),
  personClass: "woman",
  characteristics: {},
  source: { _tag: "Photos" },
  status: "Training"
})

describe("a help request names what support needs", () => {
  it("the order concerned is the person's latest, and the detail says how they asked (no phone number)", () => {
    const start: Conversation = { ...picturesLoaded(), orders: [order("order-old"), order("order-latest")] }
    const { commands } = run([listRow("support")], start)
    expect(ofTag(commands, "NotifySupport")).toEqual([
      { _tag: "NotifySupport", reason: "HelpRequested", detail: "The person asked to talk to someone from the menu", orderId: "order-latest" }
    ])
  })

  it("without an order, none is named", () => {
    const { commands } = run([listRow("support")], picturesLoaded())
    expect(ofTag(commands, "NotifySupport")[0]?.orderId).toBeUndefined()
  })
})
