import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import { actionId, PackId, parseActionId, ReplyAction, TuneId } from "../../domain/index.js"

const everyAction: ReadonlyArray<ReplyAction> = [
  ReplyAction.Begin(),
  ReplyAction.HowItWorks(),
  ReplyAction.ChooseLanguage(),
  ReplyAction.SetLanguage({ language: "he" }),
  ReplyAction.Support(),
  ReplyAction.DeleteData(),
  ReplyAction.ConfirmDelete(),
  ReplyAction.CancelDelete(),
  ReplyAction.Ready(),
  ReplyAction.Examples(),
  ReplyAction.AddMore(),
  ReplyAction.Done(),
  ReplyAction.ResetPhotos(),
  ReplyAction.SetClass({ personClass: "girl" }),
  ReplyAction.ChooseTier({ tier: "Premium" }),
  ReplyAction.ChoosePack({ packId: PackId.make(12345) }),
  ReplyAction.AgreeTerms(),
  ReplyAction.Rate({ stars: 4 }),
  ReplyAction.UseModel({ tuneId: TuneId.make(987654321) }),
  ReplyAction.NewModel(),
  ReplyAction.Menu(),
  ReplyAction.SkipFeedback()
]

describe("reply ids", () => {
  it("decode back to the action that made them, and are all different", () => {
    for (const action of everyAction) expect(parseActionId(actionId(action))).toEqual(Option.some(action))
    expect(new Set(everyAction.map(actionId)).size).toBe(everyAction.length)
  })

  it("refuse ids we never issue", () => {
    for (const id of ["", "nope", "rate:6", "rate:0", "rate:x", "pack:", "pack:-1", "pack:1.5", "tier:Gold", "class:cat", "lang:fr", "model:01", "begin:1"]) {
      expect(parseActionId(id)).toEqual(Option.none())
    }
  })
})
