import { Clock, DateTime, Duration, Effect, Option, Schema } from "effect"
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

/**
 * What the decider reads before deciding for this user: packs, saved models, the time, a fresh
 * order id. A `newcomer` (made in this transaction) has no saved models to read.
 */
export const loadSnapshot = (settings: ConversationSettings, userId: UserId, { newcomer }: { readonly newcomer: boolean }) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const packs = yield* Effect.flatMap(Packs, (port) => port.list)
    const tunes = newcomer ? [] : yield* Effect.flatMap(Tunes, (port) => port.savedForUser(userId, new Date(now)))
    const recorded: ReadonlyArray<SavedModel> = tunes.flatMap((tune) =>
      Option.match(tune.expiresAt, {
        onNone: () => [],
        onSome: (expiresAt) => [
          { tuneId: tune.id, label: tune.title, personClass: tune.className, expiresAt: DateTime.unsafeMake(expiresAt) }
        ]
      })
    )
    const savedModels = (yield* Effect.forEach(recorded, checkedOnAstria, { concurrency: 4 })).flatMap(Option.toArray)
    const snapshot: Snapshot = {
      now: DateTime.unsafeMake(now),
      packs: packs.flatMap((pack) => Option.toArray(toOffer(settings, pack))),
      savedModels,
      newOrderId: OrderId.make(yield* Effect.flatMap(Ids, (ids) => ids.uuid))
    }
    return snapshot
  })
