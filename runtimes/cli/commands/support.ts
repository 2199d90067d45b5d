import { Args, Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { Ids } from "../../../application/ports/Ids.js"
import { MessagingSettings } from "../../../application/settings/MessagingSettings.js"
import { replyToAttention } from "../../../application/support/replyToAttention.js"
import { printJson } from "../output/table.js"
import { reference } from "./attention.js"
import { group, json } from "./options.js"

const text = Args.text({ name: "text" }).pipe(Args.withDescription("What to tell the person, as one WhatsApp text"))

const author = Options.text("author").pipe(
  Options.withDefault("support"),
  Options.withDescription("Who answers, as the note on the item records it")
)

const supportReply = Command.make("reply", { reference, text, author, json }, (options) =>
  Effect.gen(function* () {
    const queued = yield* replyToAttention({ number: options.reference, text: options.text, author: options.author })
    if (options.json) {
      return yield* printJson({ number: options.reference, delivery: queued.delivery, notedAt: queued.note.at.toISOString() })
    }
    yield* Console.log(
      queued.delivery === "text"
        ? `Reply to #${options.reference} queued; the running bot sends it from its number.`
        : `The person of #${options.reference} last wrote more than 24 hours ago: the re-engagement template is queued, and the reply goes out once they answer it.`
    )
  })
).pipe(
  Command.provide(Ids.random),
  Command.provide(MessagingSettings.fromConfig),
  Command.withDescription(
    "Answer an item's person through the bot's number (as text within 24 hours of their last message, else after the re-engagement template); noted on the item"
  )
)

export const support = group("support", "Answer people from the bot's number", ["reply"]).pipe(
  Command.withSubcommands([supportReply])
)
