import type { Array as Arr } from "effect"
import { Option } from "effect"
import { PhotoInspection } from "./Inspection.js"
import { isTrainableClass, type TrainableClass } from "./PersonClass.js"
import type { PhotoRejectionReason } from "./PhotoRejection.js"

/** One answer of Astria's inspection: the class it was asked about, and what it found. */
export interface InspectionAnswer {
  readonly asked: TrainableClass
  readonly found: PhotoInspection
}

/** What the answers about one photo come to: why to refuse it (none: accept), and one inspection to keep. */
export interface InspectionJudgement {
  readonly reasons: ReadonlyArray<PhotoRejectionReason>
  /** Its class is the person's class when the answers establish it, empty otherwise (then it is no vote). */
  readonly inspection: PhotoInspection
}

const flagReasons = (inspection: PhotoInspection): ReadonlyArray<PhotoRejectionReason> => [
  ...(inspection.lowResolution ? (["too_small"] as const) : []),
  ...(inspection.multiplePeople ? (["multiple_people"] as const) : []),
  ...(inspection.funnyFace ? (["funny_face"] as const) : []),
  ...(inspection.blurry ? (["blurry"] as const) : []),
  ...(inspection.lowQuality ? (["low_quality"] as const) : []),
  ...(inspection.sunglasses ? (["sunglasses"] as const) : []),
  ...(inspection.hat ? (["hat"] as const) : [])
]

/** Refusals for a detected class that is no trainable one: a baby, or no person at all (NONE, a cat, a dog). */
const untrainable = (detected: ReadonlyArray<string>): ReadonlyArray<PhotoRejectionReason> =>
  detected.includes("baby") ? ["baby"] : ["no_person"]

const withClass = (inspection: PhotoInspection, className: string): PhotoInspection =>
  new PhotoInspection({ ...inspection, className })

/**
 * Judges Astria's answers about one photo (docs/api/4-images/1-inspect.md). With the person's class
 * known, one answer was asked with it: another trainable class is someone else. With it unknown,
 * each trainable class was asked: Astria answers the class it detects, so answers that agree on
 * one class establish it, and answers that each repeat the asked class establish nothing (the
 * person is asked). No person at all, or only a baby or an animal, refuses the photo; so do the
 * documented flags that spoil a training photo. Full-body shots, selfies and head covers do not.
 */
export const judgeInspections = (
  answers: Arr.NonEmptyReadonlyArray<InspectionAnswer>,
  known: Option.Option<TrainableClass>
): InspectionJudgement => {
  const first = answers[0]
  const detected = answers.map((answer) => answer.found.className.trim()).filter((name) => name !== "")
  const trainable = Array.from(new Set(detected.filter(isTrainableClass)))
  if (trainable.length === 0) return { reasons: untrainable(detected), inspection: withClass(first.found, "") }
  if (Option.isSome(known)) {
    const answer = answers.find((a) => a.asked === known.value) ?? first
    const className = answer.found.className.trim()
    if (className !== known.value) return { reasons: ["someone_else"], inspection: answer.found }
    return { reasons: flagReasons(answer.found), inspection: answer.found }
  }
  const only = trainable.length === 1 ? trainable[0] : undefined
  if (only !== undefined) {
    const answer = answers.find((a) => a.asked === only) ?? answers.find((a) => a.found.className.trim() === only) ?? first
    return { reasons: flagReasons(answer.found), inspection: withClass(answer.found, only) }
  }
  const confirming = answers.find((a) => a.found.className.trim() === a.asked) ?? first
  return { reasons: flagReasons(confirming.found), inspection: withClass(confirming.found, "") }
}
