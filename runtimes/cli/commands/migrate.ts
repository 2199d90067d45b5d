import { Command } from "@effect/cli"
import { Console, Effect } from "effect"
import { SchemaMigrations } from "../SchemaMigrations.js"
import { printJson } from "../output/table.js"
import { json } from "./options.js"

export const migrate = Command.make("migrate", { json }, (options) =>
  Effect.gen(function* () {
    const outcome = yield* Effect.flatMap(SchemaMigrations, (migrations) => migrations.run)
    if (options.json) return yield* printJson(outcome)
    yield* Console.log(
      outcome.applied.length === 0
        ? "The schema is up to date; no migration to apply."
        : `Applied ${outcome.applied.length} migration(s): ${outcome.applied.join(", ")}`
    )
  })
).pipe(
  Command.withDescription(
    "Bring the database schema up to date (DATABASE_URL, or the embedded PGlite in PGLITE_DATA_DIR: stop the bot first, PGlite serves one process at a time)"
  )
)
