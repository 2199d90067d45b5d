import { createHash } from "node:crypto"
import { Option } from "effect"
import type { SenderIdentity } from "../ports/InboundMessages.js"

/**
 * The broker key of a message from someone not yet known as a user: the same for all their first
 * messages (so those stay in order), derived from the BSUID, else the number, one way, since
 * broker metadata must never hold a phone number. Once they are a user, their id is the key.
 */
export const senderKey = (identity: SenderIdentity): Option.Option<string> =>
  Option.map(Option.orElse(identity.bsuid, () => identity.waId), (id) =>
    `sender:${createHash("sha256").update(id).digest("hex").slice(0, 32)}`
  )

/** Every key a person's first messages may have had: by BSUID, and by number from before they had one. */
export const senderKeysOf = (identity: SenderIdentity): ReadonlyArray<string> => [
  ...Option.toArray(senderKey({ waId: Option.none(), bsuid: identity.bsuid })),
  ...Option.toArray(senderKey({ waId: identity.waId, bsuid: Option.none() }))
]
