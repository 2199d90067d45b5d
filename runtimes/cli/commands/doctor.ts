import { Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { Console, Data, Duration, Effect } from "effect"
import { doctorReport } from "../doctor/doctorReport.js"
import type { CheckLine } from "../doctor/Verdict.js"
import { printJson, renderTable } from "../output/table.js"
import { json } from "./options.js"

/** Some check failed: the table said which; the exit code says so to a script. */
export class DoctorFoundFaults extends Data.TaggedError("DoctorFoundFaults")<{ readonly failed: number }> {
  override get message(): string {
    return `doctor: ${this.failed} check(s) failed`
  }
}

const timeout = Options.integer("timeout").pipe(
  Options.withDescription("Seconds each check may take"),
  Options.withDefault(10)
)

const reportTable = (lines: ReadonlyArray<CheckLine>) =>
  renderTable(
    lines,
    [
      { header: "PART", value: (line) => line.part },
      { header: "CHECK", value: (line) => line.check },
      { header: "VERDICT", value: (line) => line.verdict },
      { header: "DETAIL", value: (line) => line.detail }
    ],
    "Nothing to check."
  )

export const doctor = Command.make("doctor", { json, timeout }, (options) =>
  Effect.gen(function* () {
    const lines = yield* doctorReport(Duration.seconds(options.timeout))
    const failures = lines.filter((line) => line.verdict === "FAIL").length
    if (options.json) yield* printJson({ ok: failures === 0, checks: lines })
    else yield* Console.log(reportTable(lines))
    if (failures > 0) return yield* new DoctorFoundFaults({ failed: failures })
  }).pipe(Effect.provide(FetchHttpClient.layer))
).pipe(
  Command.withDescription(
    "Check each configured real part live (WhatsApp token, number and template, Astria key and packs, payments, Service Bus, database, PUBLIC_BASE_URL); exit 1 on any failure"
  )
)
