import { Effect, Layer, Schedule } from "effect"
import { CatalogueSettings } from "../../application/catalogue/CatalogueSettings.js"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { syncPacks } from "../../application/catalogue/syncPacks.js"

const sync = syncPacks.pipe(
  Effect.tap((report) => Effect.logInfo("Pack catalogue synced", { packs: report.synced })),
  // New packs get their previews in the background; those already made are kept.
  Effect.tap(() => Effect.flatMap(PreviewRebuilds, (rebuilds) => rebuilds.request({ force: false })))
)

const keepGoing = Effect.catchAll(sync, (error) =>
  Effect.logWarning("Pack catalogue not synced; will try again", { error: String(error) })
)

/**
 * Syncs the pack catalogue at start (so the first customer sees packs), then every
 * `CATALOGUE_SYNC_INTERVAL` (6 hours) in the background, each time asking for the previews of new
 * packs. A failed sync keeps the packs already stored; but a configured pack that Astria does not
 * have (production) stops the start, naming it: a tier would sell what it cannot make.
 */
export const PackCatalogueSyncAtStart = Layer.scopedDiscard(
  Effect.gen(function* () {
    const { syncInterval } = yield* CatalogueSettings
    yield* sync.pipe(
      Effect.catchIf(
        (error) => error._tag !== "UnresolvablePacks",
        (error) => Effect.logWarning("Pack catalogue not synced; will try again", { error: String(error) })
      ),
      Effect.timeout("30 seconds"),
      Effect.catchTag("TimeoutException", () => Effect.logWarning("Pack catalogue not synced within 30 s; will try again"))
    )
    yield* Effect.forkScoped(Effect.repeat(Effect.delay(keepGoing, syncInterval), Schedule.forever))
  })
).pipe(Layer.provide(CatalogueSettings.fromConfig))
