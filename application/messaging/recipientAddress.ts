import { Option } from "effect"
import type { Recipient } from "../ports/Messenger.js"
import type { Recipient as StoredRecipient } from "../ports/OutboundMessages.js"

/** Where a stored recipient is reached: the phone when known (Meta's rule), else the business-scoped id. */
export const recipientAddress = (recipient: StoredRecipient): Option.Option<Recipient> =>
  Option.match(recipient.waId, {
    onSome: (waId) => Option.some({ waId, userId: Option.getOrUndefined(recipient.bsuid) }),
    onNone: () => Option.map(recipient.bsuid, (userId) => ({ userId }))
  })
