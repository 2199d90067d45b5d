import { Command } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import { CatalogueSettings } from "../../../application/catalogue/CatalogueSettings.js"
import { syncPacks } from "../../../application/catalogue/syncPacks.js"
import { Packs, type PackRecord } from "../../../application/ports/Packs.js"
import { formatTime } from "../output/format.js"
import { printJson, renderTable } from "../output/table.js"
import { group, json } from "./options.js"

const packsTable = (packs: ReadonlyArray<PackRecord>) =>
  renderTable(
    packs,
    [
      { header: "ID", value: (pack) => String(pack.id) },
      { header: "TIER", value: (pack) => pack.tier },
      { header: "SLUG", value: (pack) => pack.slug },
      { header: "TITLE", value: (pack) => pack.title },
      { header: "PREVIEWS", value: (pack) => Object.keys(pack.previews).join(",") || "-" },
      { header: "SYNCED", value: (pack) => formatTime(pack.syncedAt) }
    ],
    "No packs: run `packs sync`."
  )

const packJson = (pack: PackRecord) => ({
  id: pack.id,
  tier: pack.tier,
  slug: pack.slug,
  title: pack.title,
  coverUrl: Option.getOrNull(pack.coverUrl),
  previews: Object.keys(pack.previews),
  syncedAt: pack.syncedAt.toISOString()
})

export const packsSync = Command.make("sync", { json }, (options) =>
  Effect.gen(function* () {
    const report = yield* syncPacks
    const packs = yield* Effect.flatMap(Packs, (port) => port.list)
    if (options.json) return yield* printJson({ ...report, packs: packs.map(packJson) })
    const missing = report.missing.map(({ pack, tier }) => `${tier}: ${pack}`)
    yield* Console.log(
      `Synced ${report.synced} pack(s) from Astria.` +
        (missing.length > 0 ? `\nConfigured but not listed on Astria: ${missing.join(", ")}` : "") +
        `\n\n${packsTable(packs)}`
    )
  })
).pipe(
  Command.provide(CatalogueSettings.fromConfig),
  Command.withDescription(
    "Sync the packs table with Astria (ASTRIA_API_KEY; packs per tier from TIER_LITE_PACKS, TIER_STANDARD_PACKS, TIER_PREMIUM_PACKS)"
  )
)

export const packsList = Command.make("list", { json }, (options) =>
  Effect.gen(function* () {
    const packs = yield* Effect.flatMap(Packs, (port) => port.list)
    if (options.json) return yield* printJson(packs.map(packJson))
    yield* Console.log(packsTable(packs))
  })
).pipe(Command.withDescription("List the packs on sale, as last synced"))

/** Without its commands: `packs sync` alone needs Astria, which the command line wires. */
export const packs = group("packs", "The pack catalogue", ["sync", "list", "previews"])
