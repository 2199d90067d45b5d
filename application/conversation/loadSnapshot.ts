import { Clock, DateTime, Effect, Option, Schema } from "effect"
import type { ConversationSettings, PackOffer, SavedModel, Snapshot } from "../../domain/conversation/DecisionContext.js"
import { OrderId, type UserId } from "../../domain/ids.js"
import { TierName } from "../../domain/pricing/Tier.js"
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

/** What the decider reads before deciding for this user: packs, saved models, the time, a fresh order id. */
export const loadSnapshot = (settings: ConversationSettings, userId: UserId) =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const packs = yield* Effect.flatMap(Packs, (port) => port.list)
    const tunes = yield* Effect.flatMap(Tunes, (port) => port.savedForUser(userId, new Date(now)))
    const savedModels: ReadonlyArray<SavedModel> = tunes.flatMap((tune) =>
      Option.match(tune.expiresAt, {
        onNone: () => [],
        onSome: (expiresAt) => [
          { tuneId: tune.id, label: tune.title, personClass: tune.className, expiresAt: DateTime.unsafeMake(expiresAt) }
        ]
      })
    )
    const snapshot: Snapshot = {
      now: DateTime.unsafeMake(now),
      packs: packs.flatMap((pack) => Option.toArray(toOffer(settings, pack))),
      savedModels,
      newOrderId: OrderId.make(yield* Effect.flatMap(Ids, (ids) => ids.uuid))
    }
    return snapshot
  })
