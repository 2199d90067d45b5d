import { Command } from "@effect/cli"
import { Layer, Predicate } from "effect"
import type { CliEnvironment } from "./CliEnvironment.js"
import { cliName } from "./cliName.js"
import { attention } from "./commands/attention.js"
import { deadLetters } from "./commands/deadLetters.js"
import { doctor } from "./commands/doctor.js"
import { feedback } from "./commands/feedback.js"
import { maintenance } from "./commands/maintenance.js"
import { migrate } from "./commands/migrate.js"
import { importLegacyCommand } from "./commands/importLegacy.js"
import { group } from "./commands/options.js"
import { orders } from "./commands/orders.js"
import { outbox } from "./commands/outbox.js"
import { packs, packsList, packsSync } from "./commands/packs.js"
import { packsPreviews } from "./commands/previews.js"
import { payments, paymentsRefund, paymentsReview } from "./commands/payments.js"
import { reconcile } from "./commands/reconcile.js"
import { support } from "./commands/support.js"
import { users } from "./commands/users/index.js"
import { packageVersion } from "./packageVersion.js"
import { settingsHelp } from "./settingsHelp.js"

const commands = [
  "migrate",
  "users",
  "orders",
  "outbox",
  "dead-letters",
  "packs",
  "reconcile",
  "maintenance",
  "feedback",
  "attention",
  "support",
  "import-legacy",
  "payments",
  "doctor"
] as const

/**
 * The storage with the broker the bot shares, for the erase (the queue's copies of the person's
 * events go with them); an embedding without a shared broker has its queue in the bot's process,
 * which erases it there. Any other failure to reach the broker fails the erase, to be run again.
 */
const withSharedBroker = <E>(environment: CliEnvironment<E>) =>
  Layer.merge(
    environment.storage,
    environment.broker.pipe(
      Layer.catchAll((error) => (Predicate.isTagged(error, "NoSharedBroker") ? Layer.empty : Layer.fail(error)))
    )
  )

/** The operator's command tree, each command given only the parts of the environment it uses. */
export const makeCommand = <E>(environment: CliEnvironment<E>) =>
  group(cliName, "Operate the WhatsApp Astria bot: its database, users, orders, events and packs", commands).pipe(
    Command.withSubcommands([
      migrate.pipe(Command.provide(environment.migrations)),
      users(environment.storage, withSharedBroker(environment)),
      orders.pipe(Command.provide(environment.storage)),
      outbox.pipe(Command.provide(environment.storage)),
      deadLetters.pipe(Command.provide(environment.broker)),
      packs.pipe(
        Command.withSubcommands([
          packsSync.pipe(Command.provide(environment.astria)),
          packsList,
          packsPreviews.pipe(Command.provide(environment.previews))
        ]),
        Command.provide(environment.storage)
      ),
      reconcile.pipe(Command.provide(environment.astria), Command.provide(environment.storage)),
      maintenance.pipe(Command.provide(environment.storage)),
      feedback.pipe(Command.provide(environment.storage)),
      attention.pipe(Command.provide(environment.storage)),
      support.pipe(Command.provide(environment.storage)),
      importLegacyCommand.pipe(Command.provide(environment.astria), Command.provide(environment.storage)),
      payments.pipe(
        Command.withSubcommands([paymentsReview, paymentsRefund.pipe(Command.provide(environment.payments))]),
        Command.provide(environment.storage)
      ),
      doctor
    ])
  )

/** Parses the process's arguments (`argv` as Node gives it: runtime, script, then the arguments) and runs the command. */
export const makeCli = <E>(environment: CliEnvironment<E>) =>
  Command.run(makeCommand(environment), { name: cliName, version: packageVersion(), footer: settingsHelp })
