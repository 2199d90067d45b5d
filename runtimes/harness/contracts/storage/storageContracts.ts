import type { Layer } from "effect"
import { deliveriesContract } from "./DeliveriesContract.js"
import { feedbackContract } from "./FeedbackContract.js"
import { inboundMessagesContract } from "./InboundMessagesContract.js"
import { inboxContract } from "./InboxContract.js"
import { ordersContract } from "./OrdersContract.js"
import { outboundMessagesContract } from "./OutboundMessagesContract.js"
import { outboxContract } from "./OutboxContract.js"
import { packsContract } from "./PacksContract.js"
import { paymentRecordsContract } from "./PaymentRecordsContract.js"
import { photosContract } from "./PhotosContract.js"
import type { StoragePorts } from "../../../../application/ports/StoragePorts.js"
import { tunesContract } from "./TunesContract.js"
import { unitOfWorkContract } from "./UnitOfWorkContract.js"
import { usersContract } from "./UsersContract.js"

export type { StoragePorts } from "../../../../application/ports/StoragePorts.js"
export {
  deliveriesContract,
  feedbackContract,
  inboundMessagesContract,
  inboxContract,
  ordersContract,
  outboundMessagesContract,
  outboxContract,
  packsContract,
  paymentRecordsContract,
  photosContract,
  tunesContract,
  unitOfWorkContract,
  usersContract
}

/** Every storage contract suite against one adapter; `layer` is shared by the tests of a suite. */
export const storageContracts = <E>(name: string, layer: Layer.Layer<StoragePorts, E>) => {
  unitOfWorkContract(name, layer)
  usersContract(name, layer)
  inboundMessagesContract(name, layer)
  outboxContract(name, layer)
  inboxContract(name, layer)
  outboundMessagesContract(name, layer)
  photosContract(name, layer)
  packsContract(name, layer)
  ordersContract(name, layer)
  tunesContract(name, layer)
  deliveriesContract(name, layer)
  paymentRecordsContract(name, layer)
  feedbackContract(name, layer)
}
