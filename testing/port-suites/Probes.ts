import { Context } from "effect"
import type { Effect } from "effect"
import type { Recipient } from "../../application/ports/Messenger.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

/**
 * What the messenger and media contract suites read back from an adapter under test. Kept apart
 * from the suites (which import vitest), so fakes and runtimes can provide probes outside a test run.
 */

export type SentKind = OutgoingMessage["_tag"] | "Other"

export interface ReceivedByPerson {
  readonly id: string
  readonly kind: SentKind
  /** The text a person sees first: body, caption, emoji or template name. */
  readonly text?: string
  readonly replyTo?: string
}

export interface MessengerProbeService {
  readonly receivedBy: (recipient: Recipient) => Effect.Effect<ReadonlyArray<ReceivedByPerson>>
  readonly readReceipts: Effect.Effect<ReadonlyArray<string>>
}

export class MessengerProbe extends Context.Tag("whatsapp-astria-bot/MessengerProbe")<MessengerProbe, MessengerProbeService>() {}

export interface MediaProbeService {
  /** Media as if a person had sent it; answers its id. */
  readonly put: (bytes: Uint8Array, mimeType: string) => Effect.Effect<string>
}

export class MediaProbe extends Context.Tag("whatsapp-astria-bot/MediaProbe")<MediaProbe, MediaProbeService>() {}
