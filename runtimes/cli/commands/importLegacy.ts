import { Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { importLegacy, type ModelCheck, type PersonPlan } from "../../../application/legacy/importLegacy.js"
import { PgLegacyDatabase } from "../../../adapters/postgres/legacy/PgLegacyDatabase.js"
import { Ids } from "../../../application/ports/Ids.js"
import { maskPhone } from "../output/mask.js"
import { printJson, renderTable } from "../output/table.js"
import { json } from "./options.js"

const from = Options.redacted("from").pipe(
  Options.withDescription("The original bot's Postgres database (postgres://...), read only, over its own connection")
)

const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("Say what would be imported, and import nothing"))

const modelText = (model: ModelCheck): string => {
  switch (model._tag) {
    case "NoModel":
      return "-"
    case "Usable":
      return `${model.tune.id} usable until ${model.expiresAt.toISOString().slice(0, 10)}${model.foundBy === "title" ? " (found by its old title)" : ""}`
    case "Expired":
      return `${model.tuneId} expired (not offered)`
    case "Gone":
      return `${Option.getOrElse(Option.map(model.tuneId, String), () => "-")} not on Astria (not offered)`
    case "Unchecked":
      return `not checked: ${model.reason}`
  }
}

const actionText = (person: PersonPlan, dry: boolean): string => {
  switch (person.action) {
    case "import":
      return dry ? "would import" : "imported"
    case "present":
      return "already here, left as is"
    case "later":
      return "skipped until Astria answers: run again"
  }
}

export const importLegacyCommand = Command.make("import-legacy", { from, dryRun, json }, (options) =>
  Effect.gen(function* () {
    const report = yield* importLegacy({ dryRun: options.dryRun }).pipe(Effect.provide(PgLegacyDatabase(options.from)))
    if (options.json) {
      return yield* printJson({
        dryRun: report.dryRun,
        people: report.people.map((person) => ({
          phone: maskPhone(person.phone),
          legacyState: person.legacyState,
          stage: person.stage,
          language: person.language,
          model: person.model._tag,
          tuneId:
            person.model._tag === "Usable" ? person.model.tune.id : person.model._tag === "Expired" ? person.model.tuneId : null,
          ratings: person.ratings,
          picturesLeft: person.picturesLeft,
          action: person.action
        })),
        payments: report.payments
      })
    }
    yield* Console.log(
      renderTable(
        report.people,
        [
          { header: "PHONE", value: (person) => maskPhone(person.phone) },
          { header: "ORIGINAL", value: (person) => person.legacyState },
          { header: "STAGE", value: (person) => person.stage },
          { header: "LANG", value: (person) => person.language },
          { header: "MODEL", value: (person) => modelText(person.model) },
          { header: "RATINGS", value: (person) => String(person.ratings) },
          { header: "", value: (person) => actionText(person, report.dryRun) }
        ],
        "The original's database holds no users."
      )
    )
    const photos = report.people.reduce((sum, person) => sum + person.picturesLeft, 0)
    yield* Console.log(
      (report.dryRun
        ? `\nDry run: nothing was written. ${report.payments.total} SUMIT payment id(s) would be kept as handled.`
        : `\n${report.payments.recorded} of ${report.payments.total} SUMIT payment id(s) recorded as handled (the rest were already).`) +
        (photos > 0 ? ` ${photos} photo(s) of the original are not carried over: WhatsApp deleted their media long ago.` : "")
    )
  })
).pipe(
  Command.provide(Ids.random),
  Command.withDescription(
    "Carry the original Python bot's users (stage, language, saved model checked on Astria), ratings and handled payments over; idempotent; --dry-run to see first"
  )
)
