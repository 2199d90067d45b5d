import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { actionId, parseActionId } from "../../domain/index.js"
import { oneActionOfEachKind } from "./fixtures.js"

describe("reply ids", () => {
  it("decode back to the action that made them, and are all different", () => {
    for (const action of oneActionOfEachKind) expect(parseActionId(actionId(action))).toEqual(Option.some(action))
    expect(new Set(oneActionOfEachKind.map(actionId)).size).toBe(oneActionOfEachKind.length)
  })

  it("refuse ids we never issue", () => {
    for (const id of ["", "nope", "rate:6", "rate:0", "rate:x", "pack:", "pack:-1", "pack:1.5", "tier:Gold", "class:cat", "lang:fr", "model:01", "begin:1"]) {
      expect(parseActionId(id)).toEqual(Option.none())
    }
  })
})
