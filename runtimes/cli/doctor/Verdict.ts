import { Data } from "effect"

/** One line of the doctor's report: a live check of one real part, and what it found. */
export interface CheckLine {
  readonly part: string
  readonly check: string
  readonly verdict: "ok" | "FAIL" | "skipped"
  /** What was found (ok), what is wrong (FAIL), or why it was not checked (skipped). */
  readonly detail: string
}

/** A check found something wrong; the reason names the setting to look at where it can. */
export class CheckFailed extends Data.TaggedError("CheckFailed")<{ readonly reason: string }> {}

export const skipped = (part: string, check: string, why: string): CheckLine => ({ part, check, verdict: "skipped", detail: why })
export const failed = (part: string, check: string, reason: string): CheckLine => ({ part, check, verdict: "FAIL", detail: reason })
