import { describe, expect, it } from "vitest"
import { termsMessage } from "../../domain/catalogue/messages.js"
import { outgoingMessageViolations } from "../../domain/messages/limits.js"

const bodyOf = (language: "en" | "he"): string => {
  const message = termsMessage(language)
  if (message._tag !== "Buttons") throw new Error(`the terms are ${message._tag}, not buttons`)
  return message.body
}

describe("the terms shown before payment keep the original bot's warning", () => {
  it("in English: made by AI, may not look exactly like the person, may contain artifacts", () => {
    const body = bodyOf("en")
    expect(body).toMatch(/created by AI/)
    expect(body).toMatch(/may not look exactly like you/)
    expect(body).toMatch(/artifacts/)
    expect(body).toMatch(/without human editing/)
    expect(body).toMatch(/deleted after training/)
  })

  it("in Hebrew, the same", () => {
    const body = bodyOf("he")
    expect(body).toMatch(/בינה מלאכותית/)
    expect(body).toMatch(/לא תמיד ייראו בדיוק כמוכם/)
    expect(body).toMatch(/תקלות/)
    expect(body).toMatch(/ללא עריכה אנושית/)
    expect(body).toMatch(/נמחקות בסיום האימון/)
  })

  it("within Meta's limits in both languages", () => {
    expect(outgoingMessageViolations(termsMessage("en"))).toEqual([])
    expect(outgoingMessageViolations(termsMessage("he"))).toEqual([])
  })
})
