import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { OutboundMessages } from "../../../application/ports/OutboundMessages.js"
import type { NewIntent } from "../../../application/ports/OutboundMessages.js"
import { OutgoingMessage } from "../../../domain/messages/OutgoingMessage.js"
import type { UserId } from "../../../domain/ids.js"
import { at, minutes, unique, userId, uuid } from "./fixtures.js"

const intent = (owner: UserId, body: string, createdAt = at(0)): NewIntent => ({
  id: uuid(),
  userId: owner,
  recipient: { waId: Option.some(unique("972")), bsuid: Option.none() },
  message: OutgoingMessage.Text({ body }),
  createdAt
})

const farFuture = new Date("2999-01-01T00:00:00Z")

/** Settles everything pending, so the test sees only its own intents. */
const drain = Effect.gen(function* () {
  const outbound = yield* OutboundMessages
  for (;;) {
    const left = yield* outbound.claimPending(1000, farFuture, "1 second")
    if (left.length === 0) return
    yield* Effect.forEach(left, (i) => outbound.markFailed(i.id, "drained by a contract test"))
  }
})

const lease = "30 seconds"

/** The guarantees of every OutboundMessages adapter. */
export const outboundMessagesSuite = <E>(name: string, layer: Layer.Layer<OutboundMessages, E>) =>
  describe(`OutboundMessages contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("tells when the oldest intent still to be sent was created, held ones aside", () =>
        Effect.gen(function* () {
          const outbound = yield* OutboundMessages
          yield* drain
          expect(yield* outbound.oldestPendingAt).toEqual(Option.none())
          const owner = userId()
          const held = intent(owner, "held for the window", at(-minutes(90)))
          yield* outbound.enqueue([held])
          yield* outbound.holdForWindow(owner)
          const waiting = intent(userId(), "waiting", at(-minutes(30)))
          yield* outbound.enqueue([waiting, intent(userId(), "newer", at(-minutes(5)))])
          expect(yield* outbound.oldestPendingAt).toEqual(Option.some(at(-minutes(30))))
          yield* outbound.markSent(waiting.id, unique("wamid"), at(0))
          expect(yield* outbound.oldestPendingAt).toEqual(Option.some(at(-minutes(5))))
          yield* drain
          expect(yield* outbound.oldestPendingAt).toEqual(Option.none())
        }))

      it.effect("stores intents as given and numbers one user's intents in order", () =>
        Effect.gen(function* () {
          const outbound = yield* OutboundMessages
          const owner = userId()
          const rich = {
            ...intent(owner, "x"),
            recipient: { waId: Option.none(), bsuid: Option.some(unique("IL.bsuid")) },
            message: OutgoingMessage.List({
              body: "Choose",
              buttonLabel: "Packs",
              sections: [{ title: "Lite", rows: [{ id: "pack:1", title: "Corporate", description: "40 images" }] }],
              header: "היי"
            })
          }
          const batch = [intent(owner, "one"), rich, intent(owner, "three")]
          yield* outbound.enqueue(batch)
          yield* outbound.enqueue([])
          const listed = yield* outbound.listForUser(owner)
          expect(listed.map((i) => i.id)).toEqual(batch.map((i) => i.id))
          expect(listed[1]!.message).toEqual(rich.message)
          expect(listed[1]!.recipient).toEqual(rich.recipient)
          expect(listed.map((i) => i.status)).toEqual(["pending", "pending", "pending"])
          expect(listed[0]!.wamid).toEqual(Option.none())
          expect(listed[0]!.attempts).toBe(0)
          const sequences = listed.map((i) => i.sequence)
          expect([...sequences].sort((a, b) => a - b)).toEqual(sequences)
          expect(new Set(sequences).size).toBe(3)
        }))

      it.effect("hands out only each user's earliest pending intent, in order", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const ann = userId()
          const ben = userId()
          const a = [intent(ann, "a1"), intent(ann, "a2")]
          const b = [intent(ben, "b1")]
          yield* outbound.enqueue(a)
          yield* outbound.enqueue(b)
          const first = yield* outbound.claimPending(10, at(minutes(1)), lease)
          expect(first.map((i) => i.id)).toEqual([a[0]!.id, b[0]!.id])
          expect(first[0]!.attempts).toBe(1)
          // a2 waits while a1 is out, even though a1's send is not finished.
          expect(yield* outbound.claimPending(10, at(minutes(1)), lease)).toEqual([])
          yield* outbound.markSent(a[0]!.id, unique("wamid.a1"), at(minutes(1)))
          const second = yield* outbound.claimPending(10, at(minutes(1)), lease)
          expect(second.map((i) => i.id)).toEqual([a[1]!.id])
        }))

      it.effect("gives a dead sender's intent back after the lease, and retries a refused one later", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const owner = userId()
          const only = intent(owner, "hi")
          yield* outbound.enqueue([only])
          yield* outbound.claimPending(10, at(minutes(1)), lease)
          const back = yield* outbound.claimPending(10, new Date(at(minutes(1)).getTime() + 30_000), lease)
          expect(back.map((i) => [i.id, i.attempts])).toEqual([[only.id, 2]])
          yield* outbound.retryAt(only.id, at(minutes(10)), "rate limited")
          expect(yield* outbound.claimPending(10, at(minutes(9)), lease)).toEqual([])
          const retried = yield* outbound.claimPending(10, at(minutes(10)), lease)
          expect(retried.map((i) => i.id)).toEqual([only.id])
          expect(retried[0]!.lastError).toEqual(Option.some("rate limited"))
          yield* outbound.markFailed(only.id, "invalid recipient")
          expect(yield* outbound.claimPending(10, farFuture, lease)).toEqual([])
          const [failed] = yield* outbound.listForUser(owner)
          expect(failed!.status).toBe("failed")
          expect(failed!.lastError).toEqual(Option.some("invalid recipient"))
        }))

      it.effect("never gives one intent to two concurrent senders", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const owners = Array.from({ length: 12 }, () => userId())
          yield* outbound.enqueue(owners.flatMap((o) => [intent(o, "1"), intent(o, "2")]))
          const batches = yield* Effect.all(
            Array.from({ length: 5 }, () => outbound.claimPending(3, at(minutes(1)), lease)),
            { concurrency: "unbounded" }
          )
          const claimed = batches.flat()
          expect(new Set(claimed.map((i) => i.id)).size).toBe(claimed.length)
          expect(new Set(claimed.map((i) => i.userId)).size).toBe(claimed.length)
          expect(claimed.length).toBe(12)
        }))

      it.effect("reads a user's waiting intents and those since a time, not their older history", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const owner = userId()
          const other = userId()
          const sentLongAgo = intent(owner, "sent long ago", at(0))
          const heldLongAgo = intent(owner, "held long ago", at(minutes(1)))
          const pendingLongAgo = intent(owner, "pending long ago", at(minutes(2)))
          const sentRecently = intent(owner, "sent recently", at(minutes(60)))
          yield* outbound.enqueue([sentLongAgo, heldLongAgo, pendingLongAgo, sentRecently, intent(other, "someone else's", at(minutes(60)))])
          yield* outbound.markSent(sentLongAgo.id, unique("wamid"), at(minutes(3)))
          yield* outbound.markSent(sentRecently.id, unique("wamid"), at(minutes(61)))
          yield* outbound.holdIntent(heldLongAgo.id)
          const read = yield* outbound.waitingOrSinceForUser(owner, at(minutes(60)))
          expect(read.map((i) => i.id)).toEqual([heldLongAgo.id, pendingLongAgo.id, sentRecently.id])
          expect(read.map((i) => i.status)).toEqual(["awaiting_window", "pending", "sent"])
        }))

      it.effect("holds a user's intents for the 24-hour window and releases them in order", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const owner = userId()
          const [refused, waiting] = [intent(owner, "1"), intent(owner, "2")]
          yield* outbound.enqueue([refused!, waiting!])
          yield* outbound.claimPending(10, at(minutes(1)), lease)
          const firstWamid = unique("wamid")
          yield* outbound.markSent(refused!.id, firstWamid, at(minutes(1)))
          // Meta refuses it afterwards (131047): it waits for the window, keeping its place.
          yield* outbound.recordStatus(firstWamid, "failed", at(minutes(2)), Option.some(131047))
          yield* outbound.holdIntent(refused!.id)
          expect(yield* outbound.holdForWindow(owner)).toBe(1)
          const template = { ...intent(owner, "template"), message: OutgoingMessage.Template({ name: "reengage", languageCode: "en", bodyParameters: [] }) }
          yield* outbound.enqueue([template])
          // A second refusal holds the person's other messages again, never the template.
          expect(yield* outbound.holdForWindow(owner)).toBe(0)
          // Only the template goes out while the others wait.
          expect((yield* outbound.claimPending(10, at(minutes(3)), lease)).map((i) => i.id)).toEqual([template.id])
          yield* outbound.markSent(template.id, unique("wamid"), at(minutes(3)))
          expect(yield* outbound.claimPending(10, at(minutes(4)), lease)).toEqual([])
          // A late status for the refused send's old wamid no longer touches it.
          expect(yield* outbound.recordStatus(firstWamid, "failed", at(minutes(4)), Option.none())).toEqual(Option.none())
          // The person writes back.
          expect(yield* outbound.releaseHeld(owner)).toBe(2)
          expect(yield* outbound.releaseHeld(owner)).toBe(0)
          const again = yield* outbound.claimPending(10, at(minutes(5)), lease)
          expect(again.map((i) => i.id)).toEqual([refused!.id])
          yield* outbound.markSent(refused!.id, unique("wamid"), at(minutes(5)))
          expect((yield* outbound.claimPending(10, at(minutes(5)), lease)).map((i) => i.id)).toEqual([waiting!.id])
        }))

      it.effect("applies Meta's statuses forwards only, and failed after sent", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const owner = userId()
          const [one, two] = [intent(owner, "1"), intent(owner, "2")]
          yield* outbound.enqueue([one!, two!])
          const w1 = unique("wamid")
          const w2 = unique("wamid")
          yield* outbound.markSent(one!.id, w1, at(1))
          yield* outbound.markSent(two!.id, w2, at(2))
          const read = yield* outbound.recordStatus(w1, "read", at(3), Option.none())
          expect(Option.map(read, (i) => [i.id, i.status])).toEqual(Option.some([one!.id, "read"]))
          expect(yield* outbound.recordStatus(w1, "delivered", at(4), Option.none())).toEqual(Option.none())
          expect(yield* outbound.recordStatus(w1, "sent", at(4), Option.none())).toEqual(Option.none())
          expect(yield* outbound.recordStatus(w1, "failed", at(4), Option.some(131026))).toEqual(Option.none())
          expect((yield* outbound.listForUser(owner))[0]!.status).toBe("read")

          const failed = yield* outbound.recordStatus(w2, "failed", at(5), Option.some(131026))
          expect(Option.map(failed, (i) => i.status)).toEqual(Option.some("failed"))
          expect(Option.flatMap(failed, (i) => i.lastError).pipe(Option.map((e) => e.includes("131026")))).toEqual(
            Option.some(true)
          )
          expect(yield* outbound.recordStatus(w2, "delivered", at(6), Option.none())).toEqual(Option.none())
          expect(yield* outbound.recordStatus(unique("wamid"), "read", at(6), Option.none())).toEqual(Option.none())
          // markSent is not repeated over a later status.
          yield* outbound.markSent(one!.id, unique("wamid"), at(7))
          expect((yield* outbound.listForUser(owner))[0]!.wamid).toEqual(Option.some(w1))
        }))

      it.effect("finds a send whose wamid was never stored by the claim its status names, while that claim holds", () =>
        Effect.gen(function* () {
          yield* drain
          const outbound = yield* OutboundMessages
          const [lost, late, released] = [intent(userId(), "lost"), intent(userId(), "late"), intent(userId(), "released")]
          yield* outbound.enqueue([lost, late, released])
          const claimed = yield* outbound.claimPending(10, at(minutes(1)), lease)
          const attemptOf = (id: string) => claimed.find((i) => i.id === id)?.attempts ?? -1
          const claimOf = (id: string, receivedAt: Date) => ({ intentId: id, attempt: attemptOf(id), receivedAt })

          // The process died before marking it sent; Meta's status names the claim.
          const wamid = unique("wamid")
          const applied = yield* outbound.recordStatus(wamid, "delivered", at(minutes(1)), Option.none(), claimOf(lost.id, at(minutes(1))))
          expect(Option.map(applied, (i) => [i.id, i.status, i.wamid])).toEqual(Option.some([lost.id, "delivered", Option.some(wamid)]))
          // A later mark, or a later status by the wamid, finds it as any other.
          yield* outbound.markSent(lost.id, unique("wamid"), at(minutes(1)))
          expect(Option.map(yield* outbound.recordStatus(wamid, "read", at(minutes(2)), Option.none()), (i) => i.status)).toEqual(Option.some("read"))
          expect((yield* outbound.listForUser(lost.userId))[0]?.wamid).toEqual(Option.some(wamid))

          // Held for the window and released, its claim's late status does not touch it.
          yield* outbound.holdForWindow(released.userId)
          yield* outbound.releaseHeld(released.userId)
          const old = claimOf(released.id, new Date(at(minutes(1)).getTime() + 1_000))
          expect(yield* outbound.recordStatus(unique("wamid"), "sent", at(minutes(1)), Option.none(), old)).toEqual(Option.none())

          // Once the claim's lease has ended, the intent is due again: the status no longer finds it.
          const tooLate = claimOf(late.id, new Date(at(minutes(1)).getTime() + 30_000))
          expect(yield* outbound.recordStatus(unique("wamid"), "sent", at(minutes(1)), Option.none(), tooLate)).toEqual(Option.none())
          // A status naming an earlier claim does not touch a later claim's send.
          const again = yield* outbound.claimPending(10, at(minutes(2)), lease)
          expect(again.map((i) => i.id)).toEqual([late.id, released.id])
          const earlier = claimOf(late.id, at(minutes(2)))
          expect(yield* outbound.recordStatus(unique("wamid"), "sent", at(minutes(2)), Option.none(), earlier)).toEqual(Option.none())

          expect((yield* outbound.listForUser(late.userId)).map((i) => [i.status, i.wamid])).toEqual([["pending", Option.none()]])
          expect((yield* outbound.listForUser(released.userId)).map((i) => [i.status, i.wamid])).toEqual([["pending", Option.none()]])
        }))

      it.effect("marks intents sent at once, each with its own wamid", () =>
        Effect.gen(function* () {
          const outbound = yield* OutboundMessages
          const owners = [userId(), userId(), userId(), userId()]
          const sent = owners.map((owner) => ({ intent: intent(owner, "at once"), wamid: unique("wamid") }))
          yield* outbound.enqueue(sent.map((one) => one.intent))
          yield* Effect.forEach(sent, (one) => outbound.markSent(one.intent.id, one.wamid, at(1)), { concurrency: "unbounded" })
          const stored = yield* Effect.forEach(owners, (owner) => outbound.listForUser(owner))
          expect(stored.map((intents) => intents.map((i) => [i.status, Option.getOrNull(i.wamid)]))).toEqual(
            sent.map((one) => [["sent", one.wamid]])
          )
        }))

      it.effect("deletes a user's intents", () =>
        Effect.gen(function* () {
          const outbound = yield* OutboundMessages
          const owner = userId()
          const other = userId()
          yield* outbound.enqueue([intent(owner, "1"), intent(owner, "2"), intent(other, "3")])
          expect(yield* outbound.deleteForUser(owner)).toBe(2)
          expect(yield* outbound.listForUser(owner)).toEqual([])
          expect(yield* outbound.listForUser(other)).toHaveLength(1)
        }))
    })
  })
