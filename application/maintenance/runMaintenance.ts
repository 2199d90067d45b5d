import { Clock, Duration, Effect, Option } from "effect"
import { InboundMessages, redeliveryWindow } from "../ports/InboundMessages.js"
import { Inbox } from "../ports/Inbox.js"
import { Outbox } from "../ports/Outbox.js"
import { Photos } from "../ports/Photos.js"
import { Tunes } from "../ports/Tunes.js"
import { deletePhotosOfTrainedUsers } from "./deletePhotosOfTrainedUsers.js"
import type { TrainedPhotosDeleted } from "./deletePhotosOfTrainedUsers.js"
import { MaintenanceSettings } from "./MaintenanceSettings.js"
import { TableStatistics } from "./TableStatistics.js"
import type { DatabaseGrowth } from "./TableStatistics.js"

/** What one maintenance run did; a second run right after reports zeros everywhere. */
export interface MaintenanceReport {
  readonly ranAt: Date
  readonly inboundMessagesDeleted: number
  /** Message ids forgotten once Meta could no longer redeliver them, whatever the history's retention. */
  readonly seenMessageIdsForgotten: number
  readonly trainedUsersPhotosDeleted: TrainedPhotosDeleted
  readonly unpaidPhotosDeleted: number
  readonly publishedOutboxDeleted: number
  readonly handledEventsForgotten: number
  readonly tunesExpired: number
  /** False where no TableStatistics is provided. */
  readonly tablesAnalyzed: boolean
  /** How big the database is after the clean-up; none where no TableStatistics is provided. */
  readonly growth: Option.Option<DatabaseGrowth>
}

const before = (now: number, age: Duration.Duration): Date => new Date(now - Duration.toMillis(age))

/** Redeliveries come within minutes or hours; two weeks of handled event ids is ample. */
const handledEventRetention = Duration.days(14)

/**
 * The weekly clean-up. Every step deletes by a cutoff or a state, so a run repeated (or resumed
 * after a failure) does nothing twice. Each step is its own short statement, never one long
 * transaction holding locks over the tables the webhooks write to.
 */
export const runMaintenance = Effect.gen(function* () {
  const settings = yield* MaintenanceSettings
  const inbound = yield* InboundMessages
  const photos = yield* Photos
  const outbox = yield* Outbox
  const tunes = yield* Tunes
  const inbox = yield* Inbox
  const now = yield* Clock.currentTimeMillis

  const report: MaintenanceReport = {
    ranAt: new Date(now),
    inboundMessagesDeleted: yield* inbound.deleteOlderThan(before(now, settings.historyRetention)),
    seenMessageIdsForgotten: yield* inbound.forgetSeenBefore(before(now, redeliveryWindow)),
    trainedUsersPhotosDeleted: yield* deletePhotosOfTrainedUsers,
    unpaidPhotosDeleted: yield* photos.deleteUnpaidOlderThan(before(now, settings.unpaidPhotoRetention)),
    publishedOutboxDeleted: yield* outbox.deletePublishedBefore(before(now, settings.publishedOutboxRetention)),
    handledEventsForgotten: yield* inbox.deleteHandledBefore(before(now, handledEventRetention)),
    // Astria deletes a tune 30 days after training; each tune's expiry is stored with it.
    tunesExpired: yield* tunes.markExpired(new Date(now)),
    // Last, so the statistics see the tables as the deletions left them.
    tablesAnalyzed: yield* Effect.serviceOption(TableStatistics).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.succeed(false),
          onSome: (statistics) => Effect.as(statistics.refresh, true)
        })
      )
    ),
    growth: yield* Effect.serviceOption(TableStatistics).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.succeed(Option.none<DatabaseGrowth>()),
          onSome: (statistics) => Effect.asSome(statistics.growth)
        })
      )
    )
  }
  yield* Effect.logInfo("Maintenance done").pipe(
    Effect.annotateLogs({
      inboundMessagesDeleted: report.inboundMessagesDeleted,
      seenMessageIdsForgotten: report.seenMessageIdsForgotten,
      trainedUsers: report.trainedUsersPhotosDeleted.users,
      trainedUsersPhotosDeleted: report.trainedUsersPhotosDeleted.photos,
      unpaidPhotosDeleted: report.unpaidPhotosDeleted,
      publishedOutboxDeleted: report.publishedOutboxDeleted,
      handledEventsForgotten: report.handledEventsForgotten,
      tunesExpired: report.tunesExpired,
      tablesAnalyzed: report.tablesAnalyzed,
      databaseBytes: Option.match(report.growth, { onNone: () => null, onSome: (growth) => growth.totalBytes }),
      photoBytes: Option.match(report.growth, { onNone: () => null, onSome: (growth) => growth.photoBytes })
    })
  )
  return report
})
