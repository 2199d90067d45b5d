import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import * as fc from "fast-check"
import { firstRejection, majority, majorityCharacteristics, photoRejectionOrder, voteInspections } from "../../domain/index.js"
import { inspection } from "./fixtures.js"

describe("the class vote", () => {
  it("picks the majority class and characteristics", () => {
    const votes = voteInspections([
      inspection("woman", { hair_color: "brown", eye_color: "green" }),
      inspection("woman", { hair_color: "black" }),
      inspection("man", { hair_color: "brown" }),
      inspection("", { eye_color: "" })
    ])
    expect(majority(votes.classes)).toEqual(Option.some("woman"))
    expect(majorityCharacteristics(votes.characteristics)).toEqual({ hair_color: "brown", eye_color: "green" })
  })

  it("resolves ties the same way whatever the order of the photos", () => {
    const inspections = [inspection("woman"), inspection("man"), inspection("man"), inspection("woman")]
    fc.assert(
      fc.property(fc.shuffledSubarray(inspections, { minLength: 4, maxLength: 4 }), (shuffled) =>
        Option.getOrNull(majority(voteInspections(shuffled).classes)) === "man"
      )
    )
  })

  it("has no class when no inspection found a person we can train", () => {
    expect(majority(voteInspections([inspection(""), inspection("  ")]).classes)).toEqual(Option.none())
    expect(majority(voteInspections([inspection("person"), inspection("person"), inspection("man")]).classes)).toEqual(
      Option.some("man")
    )
    expect(majority(voteInspections([]).classes)).toEqual(Option.none())
  })
})

describe("rejection reasons", () => {
  it("report the first that applies, in the order the person is told them (domain/photos/PhotoRejection.ts)", () => {
    expect(photoRejectionOrder.slice(0, 3)).toEqual(["unreadable", "too_small", "no_person"])
    expect(firstRejection(["duplicate", "blurry", "hat"])).toBe("blurry")
    expect(firstRejection([])).toBeUndefined()
  })
})
