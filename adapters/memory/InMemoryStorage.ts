import { Layer } from "effect"
import { Readiness } from "../../application/ports/Readiness.js"
import { InMemoryAttentionItems } from "./InMemoryAttentionItems.js"
import { InMemoryDatabase } from "./InMemoryDatabase.js"
import { InMemoryDeliveries } from "./InMemoryDeliveries.js"
import { InMemoryFeedback } from "./InMemoryFeedback.js"
import { InMemoryInboundMessages } from "./InMemoryInboundMessages.js"
import { InMemoryFailedEvents } from "./InMemoryFailedEvents.js"
import { InMemoryInbox } from "./InMemoryInbox.js"
import { InMemoryOrders } from "./InMemoryOrders.js"
import { InMemoryOutboundMessages } from "./InMemoryOutboundMessages.js"
import { InMemoryOutbox } from "./InMemoryOutbox.js"
import { InMemoryPacks } from "./InMemoryPacks.js"
import { InMemoryPaymentRecords } from "./InMemoryPaymentRecords.js"
import { InMemoryPhotos } from "./InMemoryPhotos.js"
import { InMemoryStoredStateReadings } from "./InMemoryStoredStateReadings.js"
import { InMemoryRateBudgets } from "./InMemoryRateBudgets.js"
import { InMemoryTunes } from "./InMemoryTunes.js"
import { InMemoryUnitOfWork } from "./InMemoryUnitOfWork.js"
import { InMemoryUsers } from "./InMemoryUsers.js"

/**
 * Every storage port (and an always-ready Readiness) on one fresh in-memory database: each
 * build of this layer is a new, empty database, itself provided too so tests can look inside.
 */
export const InMemoryStorage = Layer.mergeAll(
  InMemoryUnitOfWork,
  InMemoryUsers,
  InMemoryInboundMessages,
  InMemoryOutbox,
  InMemoryInbox,
  InMemoryFailedEvents,
  InMemoryOutboundMessages,
  InMemoryPhotos,
  InMemoryPacks,
  InMemoryOrders,
  InMemoryTunes,
  InMemoryDeliveries,
  InMemoryPaymentRecords,
  InMemoryFeedback,
  InMemoryAttentionItems,
  InMemoryStoredStateReadings,
  InMemoryRateBudgets,
  Layer.succeed(Readiness, Readiness.alwaysReady)
).pipe(Layer.provideMerge(InMemoryDatabase.layer))
