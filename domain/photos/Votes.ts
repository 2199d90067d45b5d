import { Array as Arr, Option, Order, Schema } from "effect"
import type { PhotoInspection } from "./Inspection.js"
import { isTrainableClass } from "./PersonClass.js"

/** How many accepted photos said each value (a class, or one characteristic's value). */
export const Tally = Schema.Record({ key: Schema.String, value: Schema.Int })
export type Tally = typeof Tally.Type

/** Characteristic name -> tally of its values (e.g. hair_color -> { brown: 3, black: 1 }). */
export const CharacteristicVotes = Schema.Record({ key: Schema.String, value: Tally })
export type CharacteristicVotes = typeof CharacteristicVotes.Type

/** Everything voted from the inspections of accepted photos, kept as counts so voting is order-free. */
export const InspectionVotes = Schema.Struct({ classes: Tally, characteristics: CharacteristicVotes })
export type InspectionVotes = typeof InspectionVotes.Type

export const noVotes: InspectionVotes = { classes: {}, characteristics: {} }

const addVote = (tally: Tally, value: string): Tally => ({ ...tally, [value]: (tally[value] ?? 0) + 1 })

/**
 * Counts one inspection; empty values (no person found, unknown trait) are not votes, and neither
 * is a class packs are not offered for (e.g. a generic "person"): then the person is asked.
 */
export const countInspection = (votes: InspectionVotes, inspection: PhotoInspection): InspectionVotes => {
  const characteristics: Record<string, Tally> = { ...votes.characteristics }
  for (const [name, value] of Object.entries(inspection.characteristics)) {
    if (value.trim().length > 0) characteristics[name] = addVote(characteristics[name] ?? {}, value)
  }
  const className = inspection.className.trim()
  return {
    classes: isTrainableClass(className) ? addVote(votes.classes, className) : votes.classes,
    characteristics
  }
}

/** Most votes first; among equal counts the alphabetically first value, so ties never depend on order. */
const byVotesThenName = Order.combine(
  Order.mapInput(Order.reverse(Order.number), ([, votes]: readonly [string, number]) => votes),
  Order.mapInput(Order.string, ([value]: readonly [string, number]) => value)
)

/** The value with the most votes, if anyone voted. */
export const majority = (tally: Tally): Option.Option<string> =>
  Arr.head(Arr.sort(Object.entries(tally), byVotesThenName)).pipe(Option.map(([value]) => value))

/** The winning value of every characteristic that got at least one vote. */
export const majorityCharacteristics = (votes: CharacteristicVotes): Record<string, string> =>
  Object.fromEntries(
    Object.entries(votes).flatMap(([name, tally]) =>
      Option.match(majority(tally), { onNone: () => [], onSome: (value) => [[name, value]] })
    )
  )

/** Votes over a set of inspections at once (the same result as counting them one by one). */
export const voteInspections = (inspections: Iterable<PhotoInspection>): InspectionVotes =>
  Arr.reduce(Arr.fromIterable(inspections), noVotes, countInspection)
