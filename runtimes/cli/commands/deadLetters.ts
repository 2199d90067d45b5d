import { Args, Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { EventBroker } from "../../../application/ports/EventBroker.js"
import { DeadLetterNotFound } from "../CliErrors.js"
import { printJson, renderTable } from "../output/table.js"
import { truncate } from "../output/format.js"
import { group, json } from "./options.js"

const subscription = Args.text({ name: "subscription" }).pipe(
  Args.withDescription("The consumer's subscription, e.g. conversation, images, training")
)

const messageId = Args.text({ name: "message-id" }).pipe(Args.withDescription("The dead letter's id, as `dead-letters list` shows it"))

const deadLettersList = Command.make("list", { subscription, json }, (options) =>
  Effect.gen(function* () {
    const letters = yield* Effect.flatMap(EventBroker, (broker) => broker.deadLetters(options.subscription))
    if (options.json) {
      return yield* printJson(
        letters.map((letter) => ({
          id: letter.message.id,
          eventType: letter.message.eventType,
          key: letter.message.key,
          deliveries: letter.deliveries,
          reason: letter.reason
        }))
      )
    }
    yield* Console.log(
      renderTable(
        letters,
        [
          { header: "ID", value: (letter) => letter.message.id },
          { header: "EVENT", value: (letter) => letter.message.eventType },
          { header: "KEY", value: (letter) => letter.message.key },
          { header: "DELIVERIES", value: (letter) => String(letter.deliveries) },
          { header: "REASON", value: (letter) => truncate(letter.reason, 80) }
        ],
        `No dead letters in ${options.subscription}.`
      )
    )
  })
).pipe(Command.withDescription("List the messages a subscription gave up on"))

const deadLettersReplay = Command.make("replay", { subscription, messageId }, (options) =>
  Effect.gen(function* () {
    const replayed = yield* Effect.flatMap(EventBroker, (broker) =>
      broker.replayDeadLetter(options.subscription, options.messageId)
    )
    if (!replayed) return yield* new DeadLetterNotFound(options)
    yield* Effect.logInfo("Dead letter replayed").pipe(Effect.annotateLogs({ ...options }))
    yield* Console.log(`Replayed ${options.messageId} to ${options.subscription}.`)
  })
).pipe(Command.withDescription("Send a dead letter back to its subscription, once its cause is fixed"))

export const deadLetters = group(
  "dead-letters",
  "Dead letters of a shared event broker (the in-memory broker keeps them inside the running bot)",
  ["list", "replay"]
).pipe(Command.withSubcommands([deadLettersList, deadLettersReplay]))
