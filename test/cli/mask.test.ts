import { describe, expect, it } from "vitest"
import { maskBsuid, maskPhone } from "../../runtimes/cli/output/mask.js"

describe("masked identities", () => {
  it("keeps the prefix and the last two digits of a phone number", () => {
    expect(maskPhone("972501234511")).toBe("+97250•••••11")
    expect(maskPhone("+1 (415) 555-2671")).toBe("+14155••••71")
  })

  it("hides all but the last two digits of a short number", () => {
    expect(maskPhone("12345")).toBe("+•••45")
    expect(maskPhone("")).toBe("+")
  })

  it("keeps only the country prefix and the last characters of a business-scoped id", () => {
    expect(maskBsuid("US.13491208655302741918")).toBe("US.•••••••••••••••••918")
    expect(maskBsuid("IL.ab")).toBe("IL.••")
  })

  it("never shows more than seven digits of any phone number", () => {
    for (let length = 1; length <= 16; length++) {
      const digits = "9".repeat(length)
      expect((maskPhone(digits).match(/9/g) ?? []).length).toBeLessThanOrEqual(Math.min(7, Math.max(length, 0)))
    }
  })
})
