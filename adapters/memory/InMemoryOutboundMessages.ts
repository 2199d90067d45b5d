import { Duration, Effect, Layer, Option, Schema } from "effect"
import { OutboundIntent, OutboundMessages } from "../../application/ports/OutboundMessages.js"
import type { DeliveryStatus, IntentStatus, StatusClaim } from "../../application/ports/OutboundMessages.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { OutgoingMessageSchema } from "../../domain/messages/OutgoingMessageSchema.js"
import { asJson, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { OutboundRow, Tables } from "./InMemoryDatabase.js"

/** The statuses each Meta status may move an intent from: never backwards; failed after sent. */
const appliesFrom: Record<DeliveryStatus, ReadonlyArray<IntentStatus>> = {
  sent: ["pending", "awaiting_window"],
  delivered: ["pending", "awaiting_window", "sent"],
  read: ["pending", "awaiting_window", "sent", "delivered"],
  failed: ["pending", "awaiting_window", "sent"]
}

/** The message as a JSON column gives it back. */
const throughJson = (message: OutgoingMessage): OutgoingMessage =>
  Schema.decodeUnknownSync(OutgoingMessageSchema)(asJson(Schema.encodeSync(OutgoingMessageSchema)(message)))

const bySequence = (a: OutboundRow, b: OutboundRow) => a.intent.sequence - b.intent.sequence

/** Replaces the row's intent with `change` applied, and returns the new intent. */
const update = (
  t: Tables,
  row: OutboundRow,
  change: Partial<ConstructorParameters<typeof OutboundIntent>[0]>,
  nextAttemptAt = row.nextAttemptAt
) => {
  const intent = new OutboundIntent({ ...row.intent, ...change })
  t.outbound.set(intent.id, { intent, nextAttemptAt })
  return intent
}

const setStatus = (
  t: Tables,
  userId: string,
  from: IntentStatus,
  to: IntentStatus,
  dueNow: boolean,
  applies: (row: OutboundRow) => boolean = () => true
) => {
  const rows = [...t.outbound.values()].filter(
    (row) => row.intent.userId === userId && row.intent.status === from && applies(row)
  )
  rows.forEach((row) => update(t, row, { status: to }, dueNow ? row.intent.createdAt : row.nextAttemptAt))
  return rows.length
}

/** The intent sent under `claim` whose wamid was never stored, while that claim holds. */
const underClaim = (t: Tables, claim: StatusClaim): OutboundRow | undefined => {
  const row = t.outbound.get(claim.intentId)
  return row !== undefined &&
    row.intent.attempts === claim.attempt &&
    Option.isNone(row.intent.wamid) &&
    row.intent.status === "pending" &&
    row.nextAttemptAt > claim.receivedAt
    ? row
    : undefined
}

export const InMemoryOutboundMessages = Layer.effect(
  OutboundMessages,
  Effect.map(InMemoryDatabase, (db) =>
    OutboundMessages.of({
      enqueue: (intents) =>
        db.run((t) => {
          for (const intent of intents) {
            if (t.outbound.has(intent.id)) throw new Error(`OutboundMessages: duplicate intent id ${intent.id}`)
            t.sequence += 1
            t.outbound.set(intent.id, {
              intent: new OutboundIntent({
                ...intent,
                message: throughJson(intent.message),
                status: "pending",
                wamid: Option.none(),
                attempts: 0,
                lastError: Option.none(),
                sequence: t.sequence
              }),
              nextAttemptAt: intent.createdAt
            })
          }
        }),
      // Each user's head is their earliest pending intent; a head that is leased keeps the
      // user's later intents back, so one person's messages go out in order.
      claimPending: (limit, now, lease) =>
        db.run((t) => {
          const heads = new Map<string, OutboundRow>()
          for (const row of sorted(t.outbound.values(), bySequence)) {
            if (row.intent.status === "pending" && !heads.has(row.intent.userId)) heads.set(row.intent.userId, row)
          }
          const until = new Date(now.getTime() + Duration.toMillis(lease))
          return sorted([...heads.values()].filter((row) => row.nextAttemptAt <= now), bySequence)
            .slice(0, limit)
            .map((row) => update(t, row, { attempts: row.intent.attempts + 1 }, until))
        }),
      markSent: (id, wamid) =>
        db.run((t) => {
          const row = t.outbound.get(id)
          if (row && (row.intent.status === "pending" || row.intent.status === "awaiting_window")) {
            update(t, row, { status: "sent", wamid: Option.some(wamid), lastError: Option.none() })
          }
        }),
      markFailed: (id, reason) =>
        db.run((t) => {
          const row = t.outbound.get(id)
          if (row && (row.intent.status === "pending" || row.intent.status === "awaiting_window")) {
            update(t, row, { status: "failed", lastError: Option.some(reason) })
          }
        }),
      retryAt: (id, at, reason) =>
        db.run((t) => {
          const row = t.outbound.get(id)
          if (row && row.intent.status === "pending") update(t, row, { lastError: Option.some(reason) }, at)
        }),
      // Templates are what WhatsApp delivers outside the window: they are never held.
      holdForWindow: (userId) =>
        db.run((t) => setStatus(t, userId, "pending", "awaiting_window", false, (row) => row.intent.message._tag !== "Template")),
      // Its old wamid is forgotten, so a late status for the refused send cannot touch it again.
      holdIntent: (id) =>
        db.run((t) => {
          const row = t.outbound.get(id)
          if (row && ["pending", "sent", "failed"].includes(row.intent.status)) {
            update(t, row, { status: "awaiting_window", wamid: Option.none() })
          }
        }),
      releaseHeld: (userId) => db.run((t) => setStatus(t, userId, "awaiting_window", "pending", true)),
      recordStatus: (wamid, status, _at, errorCode, claim) =>
        db.run((t) => {
          const row =
            [...t.outbound.values()].find((r) => Option.contains(r.intent.wamid, wamid)) ??
            (claim === undefined ? undefined : underClaim(t, claim))
          if (!row || !appliesFrom[status].includes(row.intent.status)) return Option.none()
          const lastError =
            status === "failed"
              ? Option.some(`failed${Option.match(errorCode, { onNone: () => "", onSome: (code) => ` (${code})` })}`)
              : row.intent.lastError
          return Option.some(update(t, row, { status, wamid: Option.some(wamid), lastError }))
        }),
      listForUser: (userId) =>
        db.run((t) =>
          sorted([...t.outbound.values()].filter((row) => row.intent.userId === userId), bySequence).map((row) => row.intent)
        ),
      waitingOrSinceForUser: (userId, since) =>
        db.run((t) =>
          sorted(
            [...t.outbound.values()].filter(
              ({ intent }) =>
                intent.userId === userId &&
                (intent.status === "pending" || intent.status === "awaiting_window" || intent.createdAt.getTime() >= since.getTime())
            ),
            bySequence
          ).map((row) => row.intent)
        ),
      oldestPendingAt: db.run((t) =>
        Option.fromNullable(
          [...t.outbound.values()]
            .filter((row) => row.intent.status === "pending")
            .map((row) => row.intent.createdAt)
            .sort((a, b) => a.getTime() - b.getTime())[0]
        )
      ),
      deleteForUser: (userId) =>
        db.run((t) => {
          const theirs = [...t.outbound.values()].filter((row) => row.intent.userId === userId)
          theirs.forEach((row) => t.outbound.delete(row.intent.id))
          return theirs.length
        })
    })
  )
)
