import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { MaintenanceSettings } from "../../../application/maintenance/MaintenanceSettings.js"
import { runMaintenance } from "../../../application/maintenance/runMaintenance.js"
import { formatBytes, formatTime } from "../output/format.js"
import { printJson, renderDetails } from "../output/table.js"
import { group, json } from "./options.js"

const maintenanceRun = Command.make("run", { json }, (options) =>
  Effect.gen(function* () {
    const report = yield* runMaintenance
    if (options.json) {
      return yield* printJson({ ...report, ranAt: report.ranAt.toISOString(), growth: Option.getOrNull(report.growth) })
    }
    yield* Console.log(
      renderDetails([
        ["Ran at", formatTime(report.ranAt)],
        ["Old inbound messages deleted", String(report.inboundMessagesDeleted)],
        [
          "Photos of trained users deleted",
          `${report.trainedUsersPhotosDeleted.photos} (of ${report.trainedUsersPhotosDeleted.users} user(s))`
        ],
        ["Unpaid photos deleted", String(report.unpaidPhotosDeleted)],
        ["Published outbox rows deleted", String(report.publishedOutboxDeleted)],
        ["Models marked expired", String(report.tunesExpired)],
        ...Option.match(report.growth, {
          onNone: () => [],
          onSome: (growth): ReadonlyArray<readonly [string, string]> => [
            ["Database size", `${formatBytes(growth.totalBytes)} (stored photos ${formatBytes(growth.photoBytes)})`],
            ...growth.tables.slice(0, 5).map((size) => [`  ${size.table}`, `${formatBytes(size.bytes)}, about ${size.rows} row(s)`] as const)
          ]
        })
      ])
    )
  })
).pipe(
  Command.provide(MaintenanceSettings.fromConfig),
  Command.withDescription("Run the weekly clean-up now (HISTORY_RETENTION_DAYS); running it twice is harmless")
)

export const maintenance = group("maintenance", "The weekly clean-up", ["run"]).pipe(
  Command.withSubcommands([maintenanceRun])
)
