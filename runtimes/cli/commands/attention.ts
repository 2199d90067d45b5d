import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option, Schema } from "effect"
import { AttentionItems, AttentionState, type AttentionItem } from "../../../application/ports/AttentionItems.js"
import { Users } from "../../../application/ports/Users.js"
import { closeAttention, requireAttentionItem } from "../../../application/support/closeAttention.js"
import { formatTime, truncate } from "../output/format.js"
import { maskedBsuid, maskedPhone } from "../output/mask.js"
import { printJson, renderDetails, renderTable } from "../output/table.js"
import { group, json, limit, offset } from "./options.js"

/** An item's reference as support is told it: `42` or `#42`. */
const Reference = Schema.transform(
  Schema.String.pipe(
    Schema.pattern(/^#?[1-9]\d{0,15}$/, { message: () => "an item's reference is its number, e.g. 42 or #42" })
  ),
  Schema.Int,
  { strict: true, decode: (text) => Number(text.replace("#", "")), encode: (number) => String(number) }
)

export const reference = Args.text({ name: "reference" }).pipe(
  Args.withSchema(Reference),
  Args.withDescription("The item's reference, as support was told it (42 or #42)")
)

const state = Options.choice("state", AttentionState.literals).pipe(
  Options.withDefault("open" as const),
  Options.withDescription("open (the default), closed, or all")
)

const resolution = Options.text("resolution").pipe(
  Options.withDefault("closed by support"),
  Options.withDescription("How it was resolved, kept with the item")
)

/** Who an item concerns, as an operator may see them: the user id and the masked number. */
const personOf = (item: AttentionItem) =>
  Option.match(item.userId, {
    onNone: () => Effect.succeed({ phone: "-", bsuid: "-" }),
    onSome: (userId) =>
      Effect.map(Effect.flatMap(Users, (users) => users.get(userId)), (user) => ({
        phone: Option.match(user, { onNone: () => "(erased)", onSome: (found) => maskedPhone(found.waId) }),
        bsuid: Option.match(user, { onNone: () => "-", onSome: (found) => maskedBsuid(found.bsuid) })
      }))
  })

const iso = (at: Option.Option<Date>): string | null => Option.getOrNull(Option.map(at, (date) => date.toISOString()))

const attentionList = Command.make("list", { state, limit, offset, json }, (options) =>
  Effect.gen(function* () {
    const items = yield* Effect.flatMap(AttentionItems, (port) =>
      port.list({ state: options.state, limit: options.limit, offset: options.offset })
    )
    const rows = yield* Effect.forEach(items, (item) => Effect.map(personOf(item), (person) => ({ item, ...person })))
    if (options.json) {
      return yield* printJson(
        rows.map(({ item, phone }) => ({
          number: item.number,
          reason: item.reason,
          urgent: item.urgent,
          userId: Option.getOrNull(item.userId),
          phone,
          orderId: Option.getOrNull(item.orderId),
          stage: Option.getOrNull(item.stage),
          detail: item.detail,
          openedAt: item.openedAt.toISOString(),
          closedAt: iso(item.closedAt)
        }))
      )
    }
    yield* Console.log(
      renderTable(
        rows,
        [
          { header: "#", value: ({ item }) => String(item.number) },
          { header: "REASON", value: ({ item }) => (item.urgent ? `${item.reason} (URGENT)` : item.reason) },
          { header: "OPENED", value: ({ item }) => formatTime(item.openedAt) },
          { header: "USER", value: ({ item }) => Option.getOrElse(item.userId, () => "-") },
          { header: "PHONE", value: ({ phone }) => phone },
          { header: "STAGE", value: ({ item }) => Option.getOrElse(item.stage, () => "-") },
          { header: "ORDER", value: ({ item }) => Option.getOrElse(item.orderId, () => "-") },
          { header: "DETAIL", value: ({ item }) => truncate(item.detail, 50) }
        ],
        options.offset > 0 ? "No more items." : options.state === "open" ? "Nothing needs attention." : "No items."
      )
    )
  })
).pipe(
  Command.withDescription(
    "What support must act on (help requests, payments that did not match, orders stuck): urgent first, then the oldest; phone numbers masked"
  )
)

const attentionShow = Command.make("show", { reference, json }, (options) =>
  Effect.gen(function* () {
    const item = yield* requireAttentionItem(options.reference)
    const person = yield* personOf(item)
    if (options.json) {
      return yield* printJson({
        number: item.number,
        reason: item.reason,
        urgent: item.urgent,
        userId: Option.getOrNull(item.userId),
        phone: person.phone,
        bsuid: person.bsuid,
        orderId: Option.getOrNull(item.orderId),
        stage: Option.getOrNull(item.stage),
        detail: item.detail,
        openedAt: item.openedAt.toISOString(),
        closedAt: iso(item.closedAt),
        resolution: Option.getOrNull(item.resolution),
        context: item.context.map((line) => ({ at: line.at.toISOString(), from: line.from, text: line.text })),
        notes: item.notes.map((note) => ({ at: note.at.toISOString(), author: note.author, text: note.text }))
      })
    }
    yield* Console.log(
      renderDetails([
        ["Reference", `#${item.number}`],
        ["Reason", item.urgent ? `${item.reason} (URGENT)` : item.reason],
        ["Opened", formatTime(item.openedAt)],
        ["Closed", Option.match(item.closedAt, { onNone: () => "open", onSome: formatTime })],
        ["Resolution", Option.getOrElse(item.resolution, () => "-")],
        ["User", Option.getOrElse(item.userId, () => "-")],
        ["Phone", person.phone],
        ["BSUID", person.bsuid],
        ["Stage", Option.getOrElse(item.stage, () => "-")],
        ["Order", Option.getOrElse(item.orderId, () => "-")],
        ["Detail", item.detail]
      ])
    )
    const lines = item.context.map((line) => `  ${formatTime(line.at)}  ${line.from === "person" ? "person" : "bot   "}  ${line.text.replace(/\s+/g, " ")}`)
    yield* Console.log(`\nLast messages\n${lines.length === 0 ? "  none kept" : lines.join("\n")}`)
    const notes = item.notes.map((note) => `  ${formatTime(note.at)}  ${note.author}: ${note.text}`)
    yield* Console.log(`\nNotes\n${notes.length === 0 ? "  none" : notes.join("\n")}`)
  })
).pipe(Command.withDescription("Show one item: who (masked), when, stage, order, the last messages of the conversation, notes"))

const attentionClose = Command.make("close", { reference, resolution, json }, (options) =>
  Effect.gen(function* () {
    const closedAt = yield* closeAttention(options.reference, options.resolution)
    if (options.json) {
      return yield* printJson({ number: options.reference, closedAt: closedAt.toISOString(), resolution: options.resolution })
    }
    yield* Console.log(`#${options.reference} closed at ${formatTime(closedAt)}: ${options.resolution}`)
  })
).pipe(Command.withDescription("Close an item, with how it was resolved (--resolution)"))

export const attention = group("attention", "What support must act on: list, show and close items", ["list", "show", "close"]).pipe(
  Command.withSubcommands([attentionList, attentionShow, attentionClose])
)
