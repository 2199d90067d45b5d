import type { MigrationError } from "@effect/sql/Migrator"
import type { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { Layer } from "effect"
import type { Deliveries } from "../../application/ports/Deliveries.js"
import type { Feedback } from "../../application/ports/Feedback.js"
import type { InboundMessages } from "../../application/ports/InboundMessages.js"
import type { Inbox } from "../../application/ports/Inbox.js"
import type { Orders } from "../../application/ports/Orders.js"
import type { OutboundMessages } from "../../application/ports/OutboundMessages.js"
import type { Outbox } from "../../application/ports/Outbox.js"
import type { Packs } from "../../application/ports/Packs.js"
import type { PaymentRecords } from "../../application/ports/PaymentRecords.js"
import type { Photos } from "../../application/ports/Photos.js"
import type { Readiness } from "../../application/ports/Readiness.js"
import type { Tunes } from "../../application/ports/Tunes.js"
import type { UnitOfWork } from "../../application/ports/UnitOfWork.js"
import type { Users } from "../../application/ports/Users.js"
import { MigrationsLive } from "./Migrations.js"
import { PgDeliveries } from "./PgDeliveries.js"
import { PgFeedback } from "./PgFeedback.js"
import { PgInboundMessages } from "./PgInboundMessages.js"
import { PgInbox } from "./PgInbox.js"
import { PgOrders } from "./PgOrders.js"
import { PgOutboundMessages } from "./PgOutboundMessages.js"
import { PgOutbox } from "./PgOutbox.js"
import { PgPacks } from "./PgPacks.js"
import { PgPaymentRecords } from "./PgPaymentRecords.js"
import { PgPhotos } from "./PgPhotos.js"
import { PgReadiness } from "./PgReadiness.js"
import { PgTunes } from "./PgTunes.js"
import { PgUnitOfWork } from "./PgUnitOfWork.js"
import { PgUsers } from "./PgUsers.js"

/** Every storage port, plus readiness. */
export type PgStoragePorts =
  | UnitOfWork
  | Users
  | InboundMessages
  | Outbox
  | Inbox
  | OutboundMessages
  | Photos
  | Packs
  | Orders
  | Tunes
  | Deliveries
  | PaymentRecords
  | Feedback
  | Readiness

/** The storage ports on any SqlClient speaking Postgres; the migrations run first. */
export const PgStorage: Layer.Layer<PgStoragePorts, MigrationError | SqlError, SqlClient> = Layer.mergeAll(
  PgUnitOfWork,
  PgUsers,
  PgInboundMessages,
  PgOutbox,
  PgInbox,
  PgOutboundMessages,
  PgPhotos,
  PgPacks,
  PgOrders,
  PgTunes,
  PgDeliveries,
  PgPaymentRecords,
  PgFeedback,
  PgReadiness
).pipe(Layer.provide(MigrationsLive))
