import type { AttentionItems } from "./AttentionItems.js"
import type { Deliveries } from "./Deliveries.js"
import type { FailedEvents } from "./FailedEvents.js"
import type { Feedback } from "./Feedback.js"
import type { InboundMessages } from "./InboundMessages.js"
import type { Inbox } from "./Inbox.js"
import type { Orders } from "./Orders.js"
import type { OutboundMessages } from "./OutboundMessages.js"
import type { Outbox } from "./Outbox.js"
import type { Packs } from "./Packs.js"
import type { PaymentRecords } from "./PaymentRecords.js"
import type { Photos } from "./Photos.js"
import type { RateBudgets } from "./RateBudgets.js"
import type { Readiness } from "./Readiness.js"
import type { StoredStateReadings } from "./StoredStateReadings.js"
import type { Tunes } from "./Tunes.js"
import type { UnitOfWork } from "./UnitOfWork.js"
import type { Users } from "./Users.js"

/** Every storage port: what a storage adapter (memory, Postgres, PGlite) provides as one layer. */
export type StoragePorts =
  | UnitOfWork
  | Users
  | InboundMessages
  | Outbox
  | Inbox
  | FailedEvents
  | OutboundMessages
  | Photos
  | Packs
  | Orders
  | Tunes
  | Deliveries
  | PaymentRecords
  | Feedback
  | AttentionItems
  | StoredStateReadings
  | RateBudgets
  | Readiness
