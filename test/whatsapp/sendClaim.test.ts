import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { sendClaimOf, statusClaimOf } from "../../application/messaging/sendClaim.js"
import { OutboundIntent } from "../../application/ports/OutboundMessages.js"
import { UserId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

const intent = new OutboundIntent({
  id: "3f1e2d3c-1111-4222-8333-444455556666",
  userId: UserId.make("user-1"),
  recipient: { waId: Option.some("972501234567"), bsuid: Option.none() },
  message: OutgoingMessage.Text({ body: "hi" }),
  status: "pending",
  wamid: Option.none(),
  attempts: 3,
  lastError: Option.none(),
  createdAt: new Date(0),
  sequence: 1
})
const receivedAt = new Date(1_000)

describe("the claim a send names in its callback data", () => {
  it("comes back from a status as the intent and attempt it was sent under", () => {
    expect(sendClaimOf(intent)).toBe("3f1e2d3c-1111-4222-8333-444455556666/3")
    expect(statusClaimOf(sendClaimOf(intent), receivedAt)).toEqual({ intentId: intent.id, attempt: 3, receivedAt })
  })

  it("is none for callback data that is not ours (another app of the business account), or for none", () => {
    for (const foreign of ["campaign-42", intent.id, "not-a-uuid/3", `${intent.id}/x`, `${intent.id}/1.5`, ""]) {
      expect(statusClaimOf(foreign, receivedAt)).toBeUndefined()
    }
    expect(statusClaimOf(undefined, receivedAt)).toBeUndefined()
  })
})
