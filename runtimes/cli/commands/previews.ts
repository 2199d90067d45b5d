import { Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { rebuildPreviews, type PreviewProgress } from "../../../application/catalogue/rebuildPreviews.js"
import { printJson } from "../output/table.js"
import { json } from "./options.js"

const force = Options.boolean("force").pipe(
  Options.withDescription("Render and upload again the previews that already exist")
)

const barWidth = 20

/** `[########------------] 8/20 Corporate Headshots (woman): uploaded`, one line per preview, on stderr. */
const progressLine = (progress: PreviewProgress): string => {
  const filled = Math.round((progress.done / Math.max(progress.total, 1)) * barWidth)
  const bar = `${"#".repeat(filled)}${"-".repeat(barWidth - filled)}`
  const reason = progress.reason === undefined ? "" : ` (${progress.reason})`
  return `[${bar}] ${progress.done}/${progress.total} ${progress.title} (${progress.className}): ${progress.outcome}${reason}`
}

export const packsPreviews = Command.make("previews", { force, json }, (options) =>
  Effect.gen(function* () {
    const report = yield* rebuildPreviews({
      force: options.force,
      onProgress: (progress) => Console.error(progressLine(progress))
    })
    if (options.json) return yield* printJson(report)
    const failed = report.failed.map((target) => `${target.title} (${target.className}): ${target.reason}`)
    yield* Console.log(
      `Uploaded ${report.uploaded} preview(s), kept ${report.kept}, failed ${report.failed.length}.` +
        (failed.length > 0 ? `\n${failed.join("\n")}` : "")
    )
  })
).pipe(
  Command.withDescription(
    "Render each pack's contact sheet per class and upload it to WhatsApp (WHATSAPP_API_KEY), with a progress bar"
  )
)
