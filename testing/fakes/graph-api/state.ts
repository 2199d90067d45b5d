import { Clock, Effect } from "effect"
import { mediaIdOf, userIdOf } from "./ids.js"
import type { MediaContent } from "./mediaContent.js"
import type { Fault, FakeUser, MediaDownload, ReadReceipt, ReceivedMessage, SendAttempt, UserRef } from "./model.js"

/** What the fake Graph API remembers: people, what they received, media, faults and records. */

export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface MediaItem extends MediaContent {
  readonly createdAt: number
  readonly lifetimeMs: number
}

export interface StoredFault extends Fault {
  remaining: number
}

export const now = Clock.currentTimeMillis

/** A phone number as Meta reads it: `+1 (650) 555-1234` is 16505551234. */
export const normalizedWaId = (address: string): string => {
  const digits = address.replace(/[\s()+.-]/g, "")
  return /^\d+$/.test(digits) ? digits : address
}

export const makeGraphState = (webhookUrl: string | undefined) => {
  const users = new Map<string, Mutable<FakeUser>>()
  /** When each person last wrote, by user id: the 24 h window. */
  const lastInbound = new Map<string, number>()
  const inbox = new Map<string, Array<ReceivedMessage>>()
  const attempts: Array<SendAttempt> = []
  const reads: Array<ReadReceipt> = []
  const downloads: Array<MediaDownload> = []
  const media = new Map<string, MediaItem>()
  const faults: Array<StoredFault> = []
  const httpFaults: Array<{ status: number; remaining: number }> = []
  /** The pair limit's theoretical arrival time per person (GCRA). */
  const pairCells = new Map<string, number>()

  const byWaId = (waId: string) => [...users.values()].find((user) => user.waId !== undefined && normalizedWaId(user.waId) === normalizedWaId(waId))

  const findUser = (who: UserRef): Mutable<FakeUser> | undefined => {
    if (typeof who === "string") return users.get(who) ?? byWaId(who)
    if (who.userId !== undefined && users.has(who.userId)) return users.get(who.userId)
    return who.waId === undefined ? undefined : byWaId(who.waId)
  }

  const addUser = (spec: { readonly waId?: string; readonly userId?: string; readonly name?: string; readonly username?: string }) =>
    Effect.sync((): FakeUser => {
      const existing = findUser(spec)
      if (existing !== undefined) return existing
      const user: Mutable<FakeUser> = {
        userId: spec.userId ?? userIdOf(),
        name: spec.name ?? "Test User",
        ...(spec.waId === undefined ? {} : { waId: spec.waId }),
        ...(spec.username === undefined ? {} : { username: spec.username })
      }
      users.set(user.userId, user)
      return user
    })

  const userOrCreate = (who: UserRef) =>
    addUser(typeof who === "string" ? (who.startsWith("US.") ? { userId: who } : { waId: who }) : who)

  /** Keeps the attempts log bounded when the fake serves the embedded default for days. */
  const logAttempt = (attempt: SendAttempt) => {
    attempts.push(attempt)
    if (attempts.length > 50_000) attempts.splice(0, attempts.length - 10_000)
  }

  const deliver = (userId: string, message: ReceivedMessage) => {
    const list = inbox.get(userId) ?? []
    list.push(message)
    inbox.set(userId, list)
  }

  /** The message sent with this wamid, with whom it went to. */
  const sentWithOwner = (id: string): { readonly owner: string; readonly message: ReceivedMessage } | undefined => {
    for (const [owner, list] of inbox) {
      const message = list.find((item) => item.id === id)
      if (message !== undefined) return { owner, message }
    }
    return undefined
  }

  /** The message sent with this wamid, as its body was sent. */
  const sentMessage = (id: string): ReceivedMessage | undefined => sentWithOwner(id)?.message

  /** Who received the message with this wamid. */
  const recipientOf = (id: string): FakeUser | undefined => {
    const owner = sentWithOwner(id)?.owner
    return owner === undefined ? undefined : users.get(owner)
  }

  const takeFault = (user: FakeUser): StoredFault | undefined => {
    const index = faults.findIndex((fault) => fault.user === undefined || findUser(fault.user)?.userId === user.userId)
    const fault = faults[index]
    if (fault === undefined) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) faults.splice(index, 1)
    return fault
  }

  const takeHttpFault = (): number | undefined => {
    const fault = httpFaults[0]
    if (fault === undefined) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) httpFaults.shift()
    return fault.status
  }

  const storeMedia = (content: MediaContent, lifetimeMs: number) =>
    Effect.map(now, (createdAt) => {
      const id = mediaIdOf()
      media.set(id, { ...content, createdAt, lifetimeMs })
      return id
    })

  /** The media item while its id lives (30 days uploaded, 7 days from a webhook). */
  const liveMedia = (mediaId: string, at: number): MediaItem | undefined => {
    const item = media.get(mediaId)
    return item !== undefined && at - item.createdAt <= item.lifetimeMs ? item : undefined
  }

  return {
    users,
    lastInbound,
    inbox,
    attempts,
    reads,
    downloads,
    media,
    faults,
    httpFaults,
    pairCells,
    webhookUrl,
    findUser,
    addUser,
    userOrCreate,
    logAttempt,
    deliver,
    recipientOf,
    sentMessage,
    takeFault,
    takeHttpFault,
    storeMedia,
    liveMedia
  }
}

export type GraphState = ReturnType<typeof makeGraphState>
