import type { Layer } from "effect"
import { attentionItemsSuite } from "./AttentionItemsSuite.js"
import { deliveriesSuite } from "./DeliveriesSuite.js"
import { feedbackSuite } from "./FeedbackSuite.js"
import { inboundMessagesSuite } from "./InboundMessagesSuite.js"
import { inboxSuite } from "./InboxSuite.js"
import { ordersSuite } from "./OrdersSuite.js"
import { outboundMessagesSuite } from "./OutboundMessagesSuite.js"
import { outboxSuite } from "./OutboxSuite.js"
import { packsSuite } from "./PacksSuite.js"
import { paymentRecordsSuite } from "./PaymentRecordsSuite.js"
import { photosSuite } from "./PhotosSuite.js"
import { storedStateReadingsSuite } from "./StoredStateReadingsSuite.js"
import { rateBudgetsSuite } from "./RateBudgetsSuite.js"
import type { StoragePorts } from "../../../application/ports/StoragePorts.js"
import { tunesSuite } from "./TunesSuite.js"
import { unitOfWorkSuite } from "./UnitOfWorkSuite.js"
import { usersSuite } from "./UsersSuite.js"

export type { StoragePorts } from "../../../application/ports/StoragePorts.js"
export {
  attentionItemsSuite,
  deliveriesSuite,
  feedbackSuite,
  inboundMessagesSuite,
  inboxSuite,
  ordersSuite,
  outboundMessagesSuite,
  outboxSuite,
  packsSuite,
  paymentRecordsSuite,
  photosSuite,
  storedStateReadingsSuite,
  rateBudgetsSuite,
  tunesSuite,
  unitOfWorkSuite,
  usersSuite
}

/** Every storage contract suite against one adapter; `layer` is shared by the tests of a suite. */
export const storageSuites = <E>(name: string, layer: Layer.Layer<StoragePorts, E>) => {
  unitOfWorkSuite(name, layer)
  usersSuite(name, layer)
  inboundMessagesSuite(name, layer)
  outboxSuite(name, layer)
  inboxSuite(name, layer)
  outboundMessagesSuite(name, layer)
  photosSuite(name, layer)
  packsSuite(name, layer)
  ordersSuite(name, layer)
  tunesSuite(name, layer)
  deliveriesSuite(name, layer)
  paymentRecordsSuite(name, layer)
  feedbackSuite(name, layer)
  attentionItemsSuite(name, layer)
  storedStateReadingsSuite(name, layer)
  rateBudgetsSuite(name, layer)
}
