import { Clock, DateTime, Duration, Effect, Either, Option, Schema } from "effect"
import type { ConversationSettings, PackOffer, SavedModel, Snapshot } from "../../domain/conversation/DecisionContext.js"
import { OrderId, type UserId } from "../../domain/ids.js"
import { TierName } from "../../domain/pricing/Tier.js"
import { Astria } from "../ports/Astria.js"
import { Ids } from "../ports/Ids.js"
import { Packs, type PackRecord } from "../ports/Packs.js"
import { Tunes } from "../ports/Tunes.js"

const isTier = Schema.is(TierName)

/** A pack on sale, as the decider sees it; packs of no known tier are not offered. */
const toOffer = (settings: ConversationSettings, pack: PackRecord): Option.Option<PackOffer> =>
  isTier(pack.tier)
    ? Option.some({
        id: pack.id,
        tier: pack.tier,
        title: pack.title,
        imageCount: settings.pricing.tiers[pack.tier].imageCount,
        ...Option.match(pack.coverUrl, { onNone: () => ({}), onSome: (coverUrl) => ({ coverUrl }) }),
        previews: pack.previews
      })
    : Option.none()

/** How long the decision waits for Astria's word on a saved model before trusting our own record. */
const modelCheckTimeout = Duration.seconds(3)

/**
 * Astria's word on a saved model, so that the decider offers it, and charges for it, only while it
 * is there: trained, and until Astria's own expiry (it deletes a model 30 days after training).
 * Gone: none. Astria slow or unavailable: our record stands (the training service checks again
 * before it creates the tune, and falls back to the photos).
 */
const checkedOnAstria = (model: SavedModel) =>
  Effect.flatMap(Astria, (astria) => astria.getTune(model.tuneId)).pipe(
    Effect.timeout(modelCheckTimeout),
    Effect.map((tune) =>
      tune.status === "trained"
        ? Option.some({
            ...model,
            expiresAt: Option.match(tune.expiresAt, { onNone: () => model.expiresAt, onSome: DateTime.unsafeMake })
          })
        : Option.none()
    ),
    Effect.catchTag("AstriaNotFound", () => Effect.succeed(Option.none<SavedModel>())),
    Effect.catchAll((error) =>
      Effect.logWarning("Astria not asked about a saved model; offering it by our record", { error: error._tag }).pipe(
        Effect.as(Option.some(model))
      )
    )
  )

/** What the snapshot holds of what is read only on demand: none until it is loaded. */
interface OnDemand {
  packs: Option.Option<ReadonlyArray<PackOffer>>
  savedModels: Option.Option<ReadonlyArray<SavedModel>>
}

const loadPacks = (settings: ConversationSettings) =>
  Effect.map(
    Effect.flatMap(Packs, (port) => port.list),
    (packs) => packs.flatMap((pack) => Option.toArray(toOffer(settings, pack)))
  )

const loadSavedModels = (userId: UserId, now: number) =>
  Effect.gen(function* () {
    const tunes = yield* Effect.flatMap(Tunes, (port) => port.savedForUser(userId, new Date(now)))
    const recorded: ReadonlyArray<SavedModel> = tunes.flatMap((tune) =>
      Option.match(tune.expiresAt, {
        onNone: () => [],
        onSome: (expiresAt) => [
          { tuneId: tune.id, label: tune.title, personClass: tune.className, expiresAt: DateTime.unsafeMake(expiresAt) }
        ]
      })
    )
    return (yield* Effect.forEach(recorded, checkedOnAstria, { concurrency: 4 })).flatMap(Option.toArray)
  })

/**
 * Decides (`decision`, pure) on what the decider reads: the packs, saved models, the time, a fresh
 * order id. Most steps look at neither the packs nor the saved models, each a read of its own (and
 * a saved model a question to Astria): the decision is first made on a snapshot that notes which of
 * them it reads, and made again once what it read is loaded, until it reads nothing missing. A
 * decision that never read them cannot depend on them. A `newcomer` (made in this transaction) has
 * no saved models to read.
 */
export const decideOnSnapshot = <A>(
  settings: ConversationSettings,
  userId: UserId,
  { newcomer }: { readonly newcomer: boolean },
  decision: (snapshot: Snapshot) => A
) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const newOrderId = OrderId.make(yield* Effect.flatMap(Ids, (ids) => ids.uuid))
    const loaded: OnDemand = { packs: Option.none(), savedModels: newcomer ? Option.some([]) : Option.none() }
    for (;;) {
      const read = { packs: false, savedModels: false }
      const snapshot: Snapshot = {
        now: DateTime.unsafeMake(now),
        get packs() {
          read.packs = true
          return Option.getOrElse(loaded.packs, () => [])
        },
        get savedModels() {
          read.savedModels = true
          return Option.getOrElse(loaded.savedModels, () => [])
        },
        newOrderId
      }
      // A decision that fails on what is missing is made again once it is there.
      const decided = Either.try({ try: () => decision(snapshot), catch: (error) => error })
      const missingPacks = read.packs && Option.isNone(loaded.packs)
      const missingModels = read.savedModels && Option.isNone(loaded.savedModels)
      if (!missingPacks && !missingModels) return Either.isRight(decided) ? decided.right : yield* Effect.die(decided.left)
      if (missingPacks) loaded.packs = Option.some(yield* loadPacks(settings))
      if (missingModels) loaded.savedModels = Option.some(yield* loadSavedModels(userId, now))
    }
  })
