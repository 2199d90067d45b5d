import { Args, Command, Options } from "@effect/cli"
import { Effect, Schema } from "effect"
import { UserId } from "../../../domain/ids.js"
import { CommandRequired } from "../CliErrors.js"
import { cliName } from "../cliName.js"

export const json = Options.boolean("json").pipe(Options.withDescription("Print JSON instead of a table"))

export const limit = Options.integer("limit").pipe(
  Options.withSchema(Schema.Int.pipe(Schema.between(1, 1000, { message: () => "--limit must be between 1 and 1000" }))),
  Options.withDefault(50),
  Options.withDescription("How many rows to show (1 to 1000)")
)

export const offset = Options.integer("offset").pipe(
  Options.withSchema(Schema.Int.pipe(Schema.nonNegative({ message: () => "--offset must be 0 or more" }))),
  Options.withDefault(0),
  Options.withDescription("How many rows to skip, for the next page")
)

export const yes = Options.boolean("yes").pipe(
  Options.withAlias("y"),
  Options.withDescription("Confirm: without it the command only says what it would do")
)

export const userId = Args.text({ name: "user-id" }).pipe(
  Args.withSchema(UserId),
  Args.withDescription("The internal user id, as `users list` shows it")
)

/** A group of commands that does nothing by itself but point at its commands. */
export const group = (name: string, description: string, choices: ReadonlyArray<string>) =>
  Command.make(name, {}, () =>
    Effect.fail(new CommandRequired({ usage: name === cliName ? cliName : `${cliName} ${name}`, choices }))
  ).pipe(
    Command.withDescription(description)
  )
