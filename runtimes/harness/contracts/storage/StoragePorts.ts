import type { Deliveries } from "../../../../application/ports/Deliveries.js"
import type { Feedback } from "../../../../application/ports/Feedback.js"
import type { InboundMessages } from "../../../../application/ports/InboundMessages.js"
import type { Inbox } from "../../../../application/ports/Inbox.js"
import type { Orders } from "../../../../application/ports/Orders.js"
import type { OutboundMessages } from "../../../../application/ports/OutboundMessages.js"
import type { Outbox } from "../../../../application/ports/Outbox.js"
import type { Packs } from "../../../../application/ports/Packs.js"
import type { PaymentRecords } from "../../../../application/ports/PaymentRecords.js"
import type { Photos } from "../../../../application/ports/Photos.js"
import type { Tunes } from "../../../../application/ports/Tunes.js"
import type { UnitOfWork } from "../../../../application/ports/UnitOfWork.js"
import type { Users } from "../../../../application/ports/Users.js"

/** Every storage port: what a storage adapter provides and what the contract suites test. */
export type StoragePorts =
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
