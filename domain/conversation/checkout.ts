import { Array as Arr, DateTime, Option } from "effect"
import type { TuneId } from "../ids.js"
import { majority, majorityCharacteristics } from "../photos/Votes.js"
import { wasPaid } from "../orders/OrderStatus.js"
import type { Conversation, TuneSource } from "./Conversation.js"
import type { DecisionContext, SavedModel } from "./DecisionContext.js"

/** Saved models that have not expired yet, in the order of the snapshot. */
export const usableModels = (context: DecisionContext): ReadonlyArray<SavedModel> =>
  context.snapshot.savedModels.filter((model) => DateTime.greaterThan(model.expiresAt, context.snapshot.now))

export const usableModel = (context: DecisionContext, tuneId: TuneId): Option.Option<SavedModel> =>
  Arr.findFirst(usableModels(context), (model) => model.tuneId === tuneId)

/** Someone who has paid before, or has a model of ours, gets the returning-customer price. */
export const isReturningCustomer = (context: DecisionContext, conversation: Conversation): boolean =>
  context.snapshot.savedModels.length > 0 || conversation.orders.some((order) => wasPaid(order.status))

/** The class voted from the inspections, unless the person picked one. */
export const personClassOf = (conversation: Conversation): Option.Option<string> =>
  Option.orElse(Option.fromNullable(conversation.chosenClass), () => majority(conversation.votes.classes))

/** What a new order would train from, when the person can order now. */
export interface CheckoutBasis {
  readonly source: TuneSource
  readonly personClass: string
  readonly characteristics: Readonly<Record<string, string>>
}

/**
 * Ordering is possible with enough photos and a known class (PicturesLoaded), or with a usable
 * saved model chosen (TuneReady); `None` otherwise.
 */
export const checkoutBasis = (context: DecisionContext, conversation: Conversation): Option.Option<CheckoutBasis> => {
  switch (conversation.stage) {
    case "PicturesLoaded":
      return Option.map(personClassOf(conversation), (personClass) => ({
        source: { _tag: "Photos" } as const,
        personClass,
        characteristics: majorityCharacteristics(conversation.votes.characteristics)
      }))
    case "TuneReady":
      return Option.fromNullable(conversation.reuseTuneId).pipe(
        Option.flatMap((tuneId) => usableModel(context, tuneId)),
        Option.map((model) => ({
          source: { _tag: "SavedTunes", tuneIds: [model.tuneId] } as const,
          personClass: model.personClass,
          characteristics: {}
        }))
      )
    default:
      return Option.none()
  }
}
