import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import type { Layer } from "effect"
import { OutboundMessages } from "../../../application/ports/OutboundMessages.js"
import { UnitOfWork } from "../../../application/ports/UnitOfWork.js"
import { OutgoingMessage } from "../../../domain/messages/OutgoingMessage.js"
import { Users } from "../../../application/ports/Users.js"
import type { UserIdentity } from "../../../application/ports/Users.js"
import { at, t0, unique, userId, uuid } from "./fixtures.js"

const identity = (fields: { waId?: string; bsuid?: string; profileName?: string }): UserIdentity => ({
  waId: Option.fromNullable(fields.waId),
  bsuid: Option.fromNullable(fields.bsuid),
  profileName: Option.fromNullable(fields.profileName)
})

/** The guarantees of every Users adapter. */
export const usersSuite = <E>(name: string, layer: Layer.Layer<Users | UnitOfWork | OutboundMessages, E>) =>
  describe(`Users contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("creates a user on first contact and finds them again by either identity", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const waId = unique("972500")
          const bsuid = unique("IL.bsuid")
          const id = userId()
          const first = yield* users.resolve(identity({ waId, bsuid, profileName: "Dana" }), id, t0)
          expect(first.created).toBe(true)
          expect(first.user.id).toBe(id)
          expect(first.user.waId).toEqual(Option.some(waId))
          expect(first.user.bsuid).toEqual(Option.some(bsuid))
          expect(first.user.profileName).toEqual(Option.some("Dana"))
          expect(first.user.createdAt).toEqual(t0)

          const byNumber = yield* users.resolve(identity({ waId }), userId(), at(1000))
          expect(byNumber.created).toBe(false)
          expect(byNumber.user.id).toBe(id)
          const byBsuid = yield* users.resolve(identity({ bsuid }), userId(), at(2000))
          expect(byBsuid.created).toBe(false)
          expect(byBsuid.user.id).toBe(id)
          expect((yield* users.get(id)).pipe(Option.map((u) => u.createdAt))).toEqual(Option.some(t0))
        }))

      it.effect("finds a user by their number only, creating nobody", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const waId = unique("972507")
          const id = userId()
          expect(yield* users.findByWaId(waId)).toEqual(Option.none())
          yield* users.resolve(identity({ waId, bsuid: unique("IL.bsuid") }), id, t0)
          expect((yield* users.findByWaId(waId)).pipe(Option.map((u) => u.id))).toEqual(Option.some(id))
          expect(yield* users.findByWaId(unique("972508"))).toEqual(Option.none())
        }))

      it.effect("adds the identity a record lacks, and keeps the profile name up to date", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const waId = unique("972501")
          const bsuid = unique("IL.bsuid")
          const id = userId()
          yield* users.resolve(identity({ waId }), id, t0)
          const later = yield* users.resolve(identity({ waId, bsuid, profileName: "Noa" }), userId(), at(1))
          expect(later.created).toBe(false)
          expect(later.user.bsuid).toEqual(Option.some(bsuid))
          expect(later.user.profileName).toEqual(Option.some("Noa"))
          // Hidden behind a username now: only the BSUID arrives, and it finds the same person.
          const hidden = yield* users.resolve(identity({ bsuid }), userId(), at(2))
          expect(hidden.user.id).toBe(id)
          expect(hidden.user.waId).toEqual(Option.some(waId))
          expect(hidden.user.profileName).toEqual(Option.some("Noa"))
        }))

      it.effect("makes one user of concurrent first messages of one person", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const waId = unique("972502")
          const bsuid = unique("IL.bsuid")
          const results = yield* Effect.all(
            Array.from({ length: 12 }, (_, i) =>
              unitOfWork.transaction(
                users.resolve(identity(i % 3 === 0 ? { bsuid } : i % 3 === 1 ? { waId } : { waId, bsuid }), userId(), t0)
              )
            ),
            { concurrency: "unbounded" }
          )
          const ids = new Set(results.map((r) => r.user.id))
          // A message with only the number and one with only the BSUID may each create a user
          // before anything links them; messages carrying both must not add a third.
          expect(ids.size).toBeLessThanOrEqual(2)
          const both = yield* Effect.all(
            Array.from({ length: 10 }, () =>
              unitOfWork.transaction(users.resolve(identity({ waId: `${waId}-b`, bsuid: `${bsuid}-b` }), userId(), t0))
            ),
            { concurrency: "unbounded" }
          )
          expect(new Set(both.map((r) => r.user.id)).size).toBe(1)
          expect(both.filter((r) => r.created)).toHaveLength(1)
        }))

      it.effect("makes one user of concurrent first messages resolved and locked, beside plain resolves", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const waId = unique("972510")
          const bsuid = unique("IL.bsuid")
          const resolveEither = (i: number, fields: { waId?: string; bsuid?: string }) =>
            unitOfWork.transaction(
              i % 2 === 0
                ? Effect.map(users.resolveLocked(identity(fields), userId(), t0), Option.getOrThrow)
                : users.resolve(identity(fields), userId(), t0)
            )
          const results = yield* Effect.all(
            Array.from({ length: 12 }, (_, i) => resolveEither(i, i % 3 === 0 ? { bsuid } : i % 3 === 1 ? { waId } : { waId, bsuid })),
            { concurrency: "unbounded" }
          )
          expect(new Set(results.map((r) => r.user.id)).size).toBeLessThanOrEqual(2)
          const both = yield* Effect.all(
            Array.from({ length: 10 }, (_, i) => resolveEither(i, { waId: `${waId}-b`, bsuid: `${bsuid}-b` })),
            { concurrency: "unbounded" }
          )
          expect(new Set(both.map((r) => r.user.id)).size).toBe(1)
          expect(both.filter((r) => r.created)).toHaveLength(1)
        }))

      it.effect("makes one user of concurrent resolves without a surrounding transaction", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const waId = unique("972503")
          const results = yield* Effect.all(
            Array.from({ length: 10 }, () => users.resolve(identity({ waId }), userId(), t0)),
            { concurrency: "unbounded" }
          )
          expect(new Set(results.map((r) => r.user.id)).size).toBe(1)
          expect(results.filter((r) => r.created)).toHaveLength(1)
        }))

      it.effect("follows a changed number, taking it from an older record that held it", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const oldNumber = unique("972504")
          const newNumber = unique("972505")
          const bsuid = unique("IL.bsuid")
          const id = userId()
          yield* users.resolve(identity({ waId: oldNumber, bsuid }), id, t0)
          const previousOwner = userId()
          yield* users.resolve(identity({ waId: newNumber }), previousOwner, t0)
          yield* users.changeNumber(id, newNumber)
          const found = yield* users.resolve(identity({ waId: newNumber }), userId(), at(1))
          expect(found.created).toBe(false)
          expect(found.user.id).toBe(id)
          expect((yield* users.get(previousOwner)).pipe(Option.flatMap((u) => u.waId))).toEqual(Option.none())
          const byOld = yield* users.resolve(identity({ waId: oldNumber }), userId(), at(2))
          expect(byOld.created).toBe(true)
        }))

      it.effect("stores the conversation as given and erases the user", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const id = userId()
          yield* users.resolve(identity({ waId: unique("972506") }), id, t0)
          const lockedRead = unitOfWork.transaction(users.lockWithConversation(id))
          expect(yield* users.loadConversation(id)).toEqual(Option.none())
          expect(Option.map(yield* lockedRead, (found) => found.conversation)).toEqual(Option.some(Option.none()))
          const conversation = { state: "New", language: "he", photos: [1, 2], nested: { a: null, "b-c": "d" } }
          yield* users.saveConversation(id, conversation)
          expect(yield* users.loadConversation(id)).toEqual(Option.some(conversation))
          const both = yield* lockedRead
          expect(Option.map(both, ({ user }) => user.id)).toEqual(Option.some(id))
          expect(Option.flatMap(both, (found) => found.conversation)).toEqual(Option.some(conversation))
          yield* users.erase(id)
          expect(yield* lockedRead).toEqual(Option.none())
          expect(yield* users.get(id)).toEqual(Option.none())
          expect(yield* users.loadConversation(id)).toEqual(Option.none())
          expect(yield* users.get(userId())).toEqual(Option.none())
        }))

      it.effect("records the photo consent with its time, keeps the first, and erases it with the user", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const waId = unique("972508")
          const id = userId()
          const created = yield* users.resolve(identity({ waId }), id, t0)
          expect(created.user.photoConsentAt).toEqual(Option.none())
          yield* users.recordPhotoConsent(id, at(5000))
          yield* users.recordPhotoConsent(id, at(9000))
          expect((yield* users.get(id)).pipe(Option.flatMap((u) => u.photoConsentAt))).toEqual(Option.some(at(5000)))
          const again = yield* users.resolve(identity({ waId, profileName: "Rina" }), userId(), at(6000))
          expect(again.user.photoConsentAt).toEqual(Option.some(at(5000)))
          expect((yield* users.list({ limit: 100_000, offset: 0 })).find((u) => u.id === id)?.photoConsentAt).toEqual(
            Option.some(at(5000))
          )

          yield* users.erase(id)
          // The same person writing again is someone new, who has agreed to nothing.
          const back = yield* users.resolve(identity({ waId }), userId(), at(7000))
          expect(back.created).toBe(true)
          expect(back.user.photoConsentAt).toEqual(Option.none())
        }))

      it.effect("lists users page by page, oldest first", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const all = yield* users.list({ limit: 10_000, offset: 0 })
          const page = yield* users.list({ limit: 2, offset: 1 })
          expect(page.map((u) => u.id)).toEqual(all.slice(1, 3).map((u) => u.id))
          const times = all.map((u) => u.createdAt.getTime())
          expect(times).toEqual([...times].sort((a, b) => a - b))
        }))

      it.effect("locks a user inside a transaction and refuses to outside one", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const id = userId()
          yield* unitOfWork.transaction(users.lock(id))
          // Nested transactions take it again without waiting on themselves.
          yield* unitOfWork.transaction(Effect.zipRight(users.lock(id), unitOfWork.transaction(users.lock(id))))
          const outside = yield* Effect.exit(users.lock(id))
          expect(Exit.isFailure(outside) && !Exit.isInterrupted(outside)).toBe(true)
        }))

      it.effect("resolves and locks in one go: someone new with no conversation, someone known with theirs", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const waId = unique("972507")
          const bsuid = unique("IL.bsuid")
          const id = userId()
          const outside = yield* Effect.exit(users.resolveLocked(identity({ waId }), id, t0))
          expect(Exit.isFailure(outside) && !Exit.isInterrupted(outside)).toBe(true)
          const first = yield* unitOfWork.transaction(users.resolveLocked(identity({ waId, profileName: "Dana" }), id, t0))
          expect(Option.map(first, ({ user, created, conversation }) => [user.id, created, conversation])).toEqual(
            Option.some([id, true, Option.none()])
          )
          const conversation = { stage: "Welcome", language: "he" }
          yield* users.saveConversation(id, conversation)
          const again = yield* unitOfWork.transaction(users.resolveLocked(identity({ waId, profileName: "Dana" }), userId(), at(1)))
          expect(Option.map(again, ({ user, created, conversation }) => [user.id, created, conversation])).toEqual(
            Option.some([id, false, Option.some(conversation)])
          )
          // Something new about them is added as `resolve` adds it.
          const renamed = yield* unitOfWork.transaction(
            users.resolveLocked(identity({ waId, bsuid, profileName: "Noa" }), userId(), at(2))
          )
          expect(Option.map(renamed, ({ user, created, conversation }) => [user.id, created, conversation])).toEqual(
            Option.some([id, false, Option.some(conversation)])
          )
          expect(Option.map(renamed, ({ user }) => [user.bsuid, user.profileName])).toEqual(
            Option.some([Option.some(bsuid), Option.some("Noa")])
          )
          const byBsuid = yield* unitOfWork.transaction(users.resolveLocked(identity({ bsuid }), userId(), at(3)))
          expect(Option.map(byBsuid, ({ user }) => user.id)).toEqual(Option.some(id))
        }))

      it.effect("tells whether replies to the person resolved wait for their window", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const outbound = yield* OutboundMessages
          const unitOfWork = yield* UnitOfWork
          const waId = unique("972509")
          const id = userId()
          const held = (profileName?: string) =>
            unitOfWork
              .transaction(users.resolveLocked(identity({ waId, ...(profileName ? { profileName } : {}) }), userId(), at(1)))
              .pipe(Effect.map(Option.map((locked) => locked.repliesHeld)))
          const made = yield* unitOfWork.transaction(users.resolveLocked(identity({ waId }), id, t0))
          expect(Option.map(made, (locked) => locked.repliesHeld)).toEqual(Option.some(false))
          yield* outbound.enqueue([
            { id: uuid(), userId: id, recipient: { waId: Option.some(waId), bsuid: Option.none() }, message: OutgoingMessage.Text({ body: "later" }), createdAt: t0 }
          ])
          expect(yield* held()).toEqual(Option.some(false))
          yield* outbound.holdForWindow(id)
          expect(yield* held()).toEqual(Option.some(true))
          expect(yield* held("Dana")).toEqual(Option.some(true))
          yield* outbound.releaseHeld(id)
          expect(yield* held()).toEqual(Option.some(false))
        }))

      it.effect("reads what the lock's last holder saved, however the lock is taken", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const waId = unique("972508")
          const id = userId()
          yield* users.resolve(identity({ waId }), id, t0)
          yield* users.saveConversation(id, { count: 0 })
          const count = (conversation: Option.Option<unknown>) =>
            Option.getOrElse(
              Option.flatMap(conversation, (stored) =>
                typeof stored === "object" && stored !== null && "count" in stored && typeof stored.count === "number"
                  ? Option.some(stored.count)
                  : Option.none()
              ),
              () => -1
            )
          // Each holder counts one more on what it read: a read from before the last holder's
          // commit would count the same number twice.
          const increment = (locked: Effect.Effect<Option.Option<{ readonly conversation: Option.Option<unknown> }>, unknown>) =>
            unitOfWork.transaction(
              Effect.gen(function* () {
                const found = yield* Effect.orDie(locked)
                const next = count(Option.getOrThrow(found).conversation) + 1
                // Real round trips, so that the other transactions get their chance to barge in.
                for (let i = 0; i < 3; i++) yield* users.get(id)
                yield* users.saveConversation(id, { count: next })
              })
            )
          const holders = Array.from({ length: 6 }, (_, i) =>
            increment(i % 2 === 0 ? users.lockWithConversation(id) : users.resolveLocked(identity({ waId }), userId(), t0))
          )
          yield* Effect.all(holders, { concurrency: "unbounded" })
          expect(count(yield* users.loadConversation(id))).toBe(6)
        }))

      it.effect("holds a user's lock until the transaction ends, one holder at a time", () =>
        Effect.gen(function* () {
          const users = yield* Users
          const unitOfWork = yield* UnitOfWork
          const id = userId()
          let inside = 0
          let overlapped = false
          const critical = unitOfWork.transaction(
            Effect.gen(function* () {
              yield* users.lock(id)
              inside += 1
              if (inside > 1) overlapped = true
              // Real round trips, so that the other transactions get their chance to barge in.
              for (let i = 0; i < 3; i++) yield* users.get(id)
              inside -= 1
            })
          )
          yield* Effect.all(Array.from({ length: 4 }, () => critical), { concurrency: "unbounded" })
          expect(overlapped).toBe(false)
        }))
    })
  })
