import { Data, Option } from "effect"
import type { Language } from "../catalogue/Language.js"
import { PackId, TuneId } from "../ids.js"
import { isTrainableClass, trainableClasses } from "../photos/PersonClass.js"
import type { TrainableClass } from "../photos/PersonClass.js"
import { TierName } from "../pricing/Tier.js"
import type { TierName as Tier } from "../pricing/Tier.js"

/** The classes a person can pick when no inspection told us. */
export const askableClasses = trainableClasses
export type AskableClass = TrainableClass

/**
 * What a button or list row asks for. Each is encoded as the reply id WhatsApp echoes back, so a
 * tap on a message sent long ago is decoded the same way and judged against the current state.
 */
export type ReplyAction = Data.TaggedEnum<{
  Begin: Record<never, never>
  HowItWorks: Record<never, never>
  ChooseLanguage: Record<never, never>
  SetLanguage: { readonly language: Language }
  Support: Record<never, never>
  DeleteData: Record<never, never>
  ConfirmDelete: Record<never, never>
  CancelDelete: Record<never, never>
  Ready: Record<never, never>
  /** "Yes, I agree" that the photos the person sends are kept and checked. */
  AgreePhotos: Record<never, never>
  Examples: Record<never, never>
  AddMore: Record<never, never>
  /** "I'm done" with photos, or "back to the tiers". */
  Done: Record<never, never>
  ResetPhotos: Record<never, never>
  SetClass: { readonly personClass: AskableClass }
  ChooseTier: { readonly tier: Tier }
  ChoosePack: { readonly packId: PackId }
  AgreeTerms: Record<never, never>
  Rate: { readonly stars: number }
  UseModel: { readonly tuneId: TuneId }
  NewModel: Record<never, never>
  Menu: Record<never, never>
  SkipFeedback: Record<never, never>
}>
export const ReplyAction = Data.taggedEnum<ReplyAction>()

const simpleIds = {
  Begin: "begin",
  HowItWorks: "how",
  ChooseLanguage: "language",
  Support: "support",
  DeleteData: "delete",
  ConfirmDelete: "delete_yes",
  CancelDelete: "delete_no",
  Ready: "ready",
  AgreePhotos: "photo_consent",
  Examples: "examples",
  AddMore: "add_more",
  Done: "done",
  ResetPhotos: "reset",
  AgreeTerms: "agree",
  NewModel: "new_model",
  Menu: "menu",
  SkipFeedback: "skip_feedback"
} as const satisfies Partial<Record<ReplyAction["_tag"], string>>

type SimpleTag = keyof typeof simpleIds

const simpleActions: Record<SimpleTag, ReplyAction> = {
  Begin: ReplyAction.Begin(),
  HowItWorks: ReplyAction.HowItWorks(),
  ChooseLanguage: ReplyAction.ChooseLanguage(),
  Support: ReplyAction.Support(),
  DeleteData: ReplyAction.DeleteData(),
  ConfirmDelete: ReplyAction.ConfirmDelete(),
  CancelDelete: ReplyAction.CancelDelete(),
  Ready: ReplyAction.Ready(),
  AgreePhotos: ReplyAction.AgreePhotos(),
  Examples: ReplyAction.Examples(),
  AddMore: ReplyAction.AddMore(),
  Done: ReplyAction.Done(),
  ResetPhotos: ReplyAction.ResetPhotos(),
  AgreeTerms: ReplyAction.AgreeTerms(),
  NewModel: ReplyAction.NewModel(),
  Menu: ReplyAction.Menu(),
  SkipFeedback: ReplyAction.SkipFeedback()
}

/** The reply id of an action (what goes into a button or row id). */
export const actionId = (action: ReplyAction): string => {
  switch (action._tag) {
    case "SetLanguage":
      return `lang:${action.language}`
    case "SetClass":
      return `class:${action.personClass}`
    case "ChooseTier":
      return `tier:${action.tier}`
    case "ChoosePack":
      return `pack:${action.packId}`
    case "Rate":
      return `rate:${action.stars}`
    case "UseModel":
      return `model:${action.tuneId}`
    default:
      return simpleIds[action._tag]
  }
}

const simpleActionsById: ReadonlyMap<string, ReplyAction> = new Map(
  Object.values(simpleActions).map((action) => [actionId(action), action])
)

const positiveInt = (text: string): Option.Option<number> =>
  /^[1-9][0-9]{0,14}$/.test(text) ? Option.some(Number(text)) : Option.none()

const parseWithArgument = (prefix: string, argument: string): Option.Option<ReplyAction> => {
  switch (prefix) {
    case "lang":
      return argument === "en" || argument === "he"
        ? Option.some(ReplyAction.SetLanguage({ language: argument }))
        : Option.none()
    case "class":
      return isTrainableClass(argument) ? Option.some(ReplyAction.SetClass({ personClass: argument })) : Option.none()
    case "tier":
      return Option.fromNullable(TierName.literals.find((t) => t === argument)).pipe(
        Option.map((tier) => ReplyAction.ChooseTier({ tier }))
      )
    case "pack":
      return positiveInt(argument).pipe(Option.map((n) => ReplyAction.ChoosePack({ packId: PackId.make(n) })))
    case "rate":
      return positiveInt(argument).pipe(
        Option.filter((stars) => stars <= 5),
        Option.map((stars) => ReplyAction.Rate({ stars }))
      )
    case "model":
      return positiveInt(argument).pipe(Option.map((n) => ReplyAction.UseModel({ tuneId: TuneId.make(n) })))
    default:
      return Option.none()
  }
}

/** Decodes a reply id; an id we never issued (or no longer issue) is `None`. */
export const parseActionId = (id: string): Option.Option<ReplyAction> => {
  const colon = id.indexOf(":")
  if (colon >= 0) return parseWithArgument(id.slice(0, colon), id.slice(colon + 1))
  return Option.fromNullable(simpleActionsById.get(id))
}
