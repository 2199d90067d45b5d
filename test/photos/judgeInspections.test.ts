import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { PhotoInspection } from "../../domain/photos/Inspection.js"
import { judgeInspections, type InspectionAnswer } from "../../domain/photos/judgeInspections.js"
import type { TrainableClass } from "../../domain/photos/PersonClass.js"

/** Judging Astria's answers about one photo (docs/api/4-images/1-inspect.md). */

const found = (className: string, flags: Partial<PhotoInspection> = {}) =>
  new PhotoInspection({
    className,
    characteristics: {},
    funnyFace: false,
    sunglasses: false,
    hat: false,
    blurry: false,
    multiplePeople: false,
    lowResolution: false,
    ...flags
  })

const each = (answer: (asked: TrainableClass) => PhotoInspection): [InspectionAnswer, ...Array<InspectionAnswer>] => [
  { asked: "man", found: answer("man") },
  { asked: "woman", found: answer("woman") },
  { asked: "boy", found: answer("boy") },
  { asked: "girl", found: answer("girl") }
]

describe("judgeInspections", () => {
  it("answers that agree on one class establish it", () => {
    const judged = judgeInspections(each(() => found("woman")), Option.none())
    expect(judged.reasons).toEqual([])
    expect(judged.inspection.className).toBe("woman")
  })

  it("answers that each repeat the asked class establish nothing: no refusal, no class", () => {
    const judged = judgeInspections(each((asked) => found(asked)), Option.none())
    expect(judged).toMatchObject({ reasons: [], inspection: { className: "" } })
  })

  it("NONE in every answer is no person; a baby or an animal is refused too", () => {
    expect(judgeInspections(each(() => found("")), Option.none()).reasons).toEqual(["no_person"])
    expect(judgeInspections(each(() => found("baby")), Option.none()).reasons).toEqual(["baby"])
    expect(judgeInspections([{ asked: "man", found: found("cat") }], Option.some("man")).reasons).toEqual(["no_person"])
  })

  it("with the class known, another trainable class is someone else; the same class is judged by its flags", () => {
    expect(judgeInspections([{ asked: "woman", found: found("man") }], Option.some("woman")).reasons).toEqual(["someone_else"])
    const flagged = judgeInspections(
      [{ asked: "woman", found: found("woman", { sunglasses: true, lowQuality: true, lowResolution: true }) }],
      Option.some("woman")
    )
    expect(flagged.reasons).toEqual(["too_small", "low_quality", "sunglasses"])
  })
})
