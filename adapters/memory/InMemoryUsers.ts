import { Effect, Layer, Option } from "effect"
import { UserRecord, Users } from "../../application/ports/Users.js"
import type { UserIdentity } from "../../application/ports/Users.js"
import type { UserId } from "../../domain/ids.js"
import { asJson, byText, byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"
import type { Tables } from "./InMemoryDatabase.js"

const findBy = (tables: Tables, field: "waId" | "bsuid", value: Option.Option<string>) =>
  Option.flatMap(value, (v) =>
    Option.fromNullable([...tables.users.values()].find((row) => Option.contains(row.record[field], v)))
  )

/** The user an identity names, found as `resolve` finds them: by BSUID first, then by number. */
export const findUser = (tables: Tables, identity: Pick<UserIdentity, "waId" | "bsuid">) =>
  Option.orElse(findBy(tables, "bsuid", identity.bsuid), () => findBy(tables, "waId", identity.waId))

const holds = (tables: Tables, field: "waId" | "bsuid", value: string) =>
  [...tables.users.values()].some((row) => Option.contains(row.record[field], value))

const resolveIn = (tables: Tables, identity: UserIdentity, newId: UserId, now: Date) => {
  if (Option.isNone(identity.waId) && Option.isNone(identity.bsuid)) {
    throw new Error("Users.resolve needs a wa_id or a BSUID")
  }
  // The BSUID is the stable identity; a number can move to another person.
  const existing = findUser(tables, identity)
  if (Option.isNone(existing)) {
    const user = new UserRecord({
      id: newId,
      waId: identity.waId,
      bsuid: identity.bsuid,
      profileName: identity.profileName,
      createdAt: now,
      photoConsentAt: Option.none()
    })
    tables.users.set(newId, { record: user, conversation: Option.none() })
    return { user, created: true }
  }
  const row = existing.value
  const current = row.record
  // Add what the record lacks, unless another user already holds that identity.
  const user = new UserRecord({
    ...current,
    waId: Option.orElse(current.waId, () => Option.filter(identity.waId, (w) => !holds(tables, "waId", w))),
    bsuid: Option.orElse(current.bsuid, () => Option.filter(identity.bsuid, (b) => !holds(tables, "bsuid", b))),
    profileName: Option.orElse(identity.profileName, () => current.profileName)
  })
  tables.users.set(user.id, { ...row, record: user })
  return { user, created: false }
}

export const InMemoryUsers = Layer.effect(
  Users,
  Effect.map(InMemoryDatabase, (db) => {
    // Transactions are serialized already: inside one, the user is as locked as can be.
    const insideTransaction = (what: string) =>
      Effect.flatMap(db.inTransaction, (inside) =>
        inside ? Effect.void : Effect.dieMessage(`${what} must run inside a UnitOfWork transaction`)
      )
    const withConversation = (t: Tables, id: UserId) =>
      Option.map(Option.fromNullable(t.users.get(id)), (row) => ({ user: row.record, conversation: Option.map(row.conversation, asJson) }))
    return Users.of({
      resolve: (identity, newId, now) => db.run((t) => resolveIn(t, identity, newId, now)),
      get: (id) => db.run((t) => Option.map(Option.fromNullable(t.users.get(id)), (row) => row.record)),
      findByWaId: (waId) => db.run((t) => Option.map(findBy(t, "waId", Option.some(waId)), (row) => row.record)),
      recordPhotoConsent: (id, at) =>
        db.run((t) => {
          const row = t.users.get(id)
          if (row && Option.isNone(row.record.photoConsentAt)) {
            t.users.set(id, { ...row, record: new UserRecord({ ...row.record, photoConsentAt: Option.some(at) }) })
          }
        }),
      changeNumber: (id, newWaId) =>
        db.run((t) => {
          for (const row of t.users.values()) {
            if (row.record.id !== id && Option.contains(row.record.waId, newWaId)) {
              t.users.set(row.record.id, { ...row, record: new UserRecord({ ...row.record, waId: Option.none() }) })
            }
          }
          const row = t.users.get(id)
          if (row) t.users.set(id, { ...row, record: new UserRecord({ ...row.record, waId: Option.some(newWaId) }) })
        }),
      lock: () => insideTransaction("Users.lock"),
      loadConversation: (id) =>
        db.run((t) => Option.flatMap(Option.fromNullable(t.users.get(id)), (row) => Option.map(row.conversation, asJson))),
      lockWithConversation: (id) =>
        Effect.zipRight(insideTransaction("Users.lockWithConversation"), db.run((t) => withConversation(t, id))),
      resolveLocked: (identity, newId, now) =>
        Effect.zipRight(
          insideTransaction("Users.resolveLocked"),
          db.run((t) => {
            const { user, created } = resolveIn(t, identity, newId, now)
            const repliesHeld = [...t.outbound.values()].some(
              ({ intent }) => intent.userId === user.id && intent.status === "awaiting_window"
            )
            return Option.map(withConversation(t, user.id), ({ conversation }) => ({ user, created, conversation, repliesHeld }))
          })
        ),
      saveConversation: (id, conversation) =>
        db.run((t) => {
          const row = t.users.get(id)
          if (row) t.users.set(id, { ...row, conversation: Option.some(asJson(conversation)) })
        }),
      list: ({ limit, offset }) =>
        db.run((t) =>
          sorted(
            [...t.users.values()].map((row) => row.record),
            (a, b) => byTime(a.createdAt, b.createdAt) || byText(a.id, b.id)
          ).slice(offset, offset + limit)
        ),
      erase: (id) => db.run((t) => void t.users.delete(id))
    })
  })
)
