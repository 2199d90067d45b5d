import type { MigrationError } from "@effect/sql/Migrator"
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Layer } from "effect"
import type { Readiness } from "../../application/ports/Readiness.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { MigrationsLive } from "./Migrations.js"
import { PgDeliveries } from "./PgDeliveries.js"
import { PgAttentionItems } from "./PgAttentionItems.js"
import { PgFeedback } from "./PgFeedback.js"
import { PgInboundMessages } from "./PgInboundMessages.js"
import { PgFailedEvents } from "./PgFailedEvents.js"
import { PgInbox } from "./PgInbox.js"
import { PgOrders } from "./PgOrders.js"
import { PgOutboundMessages } from "./PgOutboundMessages.js"
import { PgOutbox } from "./PgOutbox.js"
import { PgPacks } from "./PgPacks.js"
import { PgPaymentRecords } from "./PgPaymentRecords.js"
import { PgPhotos } from "./PgPhotos.js"
import { PgRateBudgets } from "./PgRateBudgets.js"
import { EmbeddedPgReadiness, PgReadiness } from "./PgReadiness.js"
import { PgStoredStateReadings } from "./PgStoredStateReadings.js"
import { PgTableStatistics } from "./PgTableStatistics.js"
import { PgTunes } from "./PgTunes.js"
import { PgUnitOfWork } from "./PgUnitOfWork.js"
import { PgUsers } from "./PgUsers.js"

type PgStorageLayer = Layer.Layer<StoragePorts, MigrationError | SqlError, SqlClient>

const withReadiness = (readiness: Layer.Layer<Readiness, never, SqlClient>): PgStorageLayer =>
  Layer.mergeAll(
    PgUnitOfWork,
    PgUsers,
    PgInboundMessages,
    PgOutbox,
    PgInbox,
    PgFailedEvents,
    PgOutboundMessages,
    PgPhotos,
    PgPacks,
    PgOrders,
    PgTunes,
    PgDeliveries,
    PgPaymentRecords,
    PgFeedback,
    PgAttentionItems,
    PgStoredStateReadings,
    PgRateBudgets,
    readiness,
    PgTableStatistics
  ).pipe(Layer.provide(MigrationsLive))

/** The storage ports (and readiness) on any SqlClient speaking Postgres; the migrations run first. */
export const PgStorage: PgStorageLayer = withReadiness(PgReadiness)

/** The same on the embedded PGlite, whose readiness answers from a check that just passed (EmbeddedPgReadiness). */
export const EmbeddedPgStorage: PgStorageLayer = withReadiness(EmbeddedPgReadiness)
