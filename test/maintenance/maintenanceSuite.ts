import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Option } from "effect"
import { MaintenanceSettings } from "../../application/maintenance/MaintenanceSettings.js"
import { runMaintenance } from "../../application/maintenance/runMaintenance.js"
import { InboundMessages } from "../../application/ports/InboundMessages.js"
import { arrival, order as orderOf } from "../../testing/port-suites/storage/fixtures.js"
import { Inbox } from "../../application/ports/Inbox.js"
import { Orders } from "../../application/ports/Orders.js"
import type { OrderStatus } from "../../domain/orders/OrderStatus.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { Photos, StoredPhoto } from "../../application/ports/Photos.js"
import { TuneRecord, Tunes } from "../../application/ports/Tunes.js"
import { OrderId, PhotoId, TuneId, UserId, WhatsAppMessageId } from "../../domain/ids.js"

/** The ports maintenance runs over; a storage adapter's layer provides them all. */
export type MaintenancePorts = InboundMessages | Photos | Orders | Outbox | Tunes | Inbox

const day = 24 * 60 * 60 * 1000
let counter = 0
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
const unique = (prefix: string) => `${prefix}-${tag}-${++counter}`
const tuneIds = 1_000_000 + Math.floor(Math.random() * 1e9)

const seedFor = (now: number) => {
  const ago = (days: number) => new Date(now - days * day)
  const user = () => UserId.make(unique("user"))

  const photo = (userId: UserId, createdAt: Date) =>
    Effect.flatMap(Photos, (photos) =>
      photos.add(
        new StoredPhoto({
          id: PhotoId.make(unique("photo")),
          userId,
          sourceMessageId: unique("wamid"),
          bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
          hash: unique("hash"),
          width: 1024,
          height: 1024,
          createdAt
        })
      )
    )

  const order = (userId: UserId, status: OrderStatus, paidAt: Date | undefined) =>
    Effect.flatMap(Orders, (orders) => orders.create(orderOf(userId, { status, createdAt: ago(45), paidAt: Option.fromNullable(paidAt) })))

  /** A message `userId` sent, as the webhook stores it and the conversation attributes it. */
  const inbound = (userId: UserId, receivedAt: Date) =>
    Effect.gen(function* () {
      const messages = yield* InboundMessages
      const sent = arrival({ waId: unique("972") }, receivedAt, WhatsAppMessageId.make(unique("wamid")))
      yield* messages.recordArrivals([sent])
      // Its event is not part of the outbox this suite counts.
      yield* Effect.flatMap(Outbox, (outbox) => outbox.deleteForKey(sent.event.key))
      yield* messages.attribute(sent.message.id, userId)
    })

  const tune = (userId: UserId, expiresAt: Date | undefined, expired = false) =>
    Effect.flatMap(Tunes, (tunes) =>
      tunes.add(
        new TuneRecord({
          id: TuneId.make(tuneIds + ++counter),
          userId,
          orderId: OrderId.make(globalThis.crypto.randomUUID()),
          className: "man",
          title: unique("tune"),
          createdAt: ago(40),
          expiresAt: Option.fromNullable(expiresAt),
          expired
        })
      )
    )

  return { ago, user, photo, order, inbound, tune }
}

/**
 * Seeds one of each case, runs maintenance twice and checks through the ports that the first
 * run deleted exactly what it should and the second nothing. Needs an empty database.
 */
export const maintenanceSuite = <E>(
  name: string,
  storage: Layer.Layer<MaintenancePorts, E>,
  options: { readonly analyzes: boolean } = { analyzes: false }
) =>
  describe(`weekly maintenance (${name})`, () => {
    it.live("deletes exactly what it should, and a second run deletes nothing", () =>
      Effect.gen(function* () {
        const now = Date.now()
        const { ago, user, photo, order, inbound, tune } = seedFor(now)

        // Trained and done: the photos went to Astria and go now.
        const trained = user()
        yield* order(trained, "Delivered", ago(20))
        yield* photo(trained, ago(25))
        yield* photo(trained, ago(21))
        // Trained, but collecting photos for a new model since: kept.
        const collecting = user()
        yield* order(collecting, "Training", ago(3))
        yield* photo(collecting, ago(5))
        yield* photo(collecting, ago(1))
        // Trained before, and a new order waiting for payment that will need the photos: kept.
        const reordering = user()
        yield* order(reordering, "Delivered", ago(20))
        yield* order(reordering, "AwaitingPayment", undefined)
        yield* photo(reordering, ago(25))
        // Never paid, photos older than 30 days: deleted; a newer non-payer's: kept.
        const lapsed = user()
        yield* order(lapsed, "AwaitingPayment", undefined)
        yield* photo(lapsed, ago(40))
        yield* photo(lapsed, ago(31))
        const recent = user()
        yield* photo(recent, ago(10))
        // Paid, waiting for the tune: kept however old.
        const paid = user()
        yield* order(paid, "Paid", ago(1))
        yield* photo(paid, ago(40))

        // History: older than 14 days goes.
        const chatty = user()
        yield* inbound(chatty, ago(20))
        yield* inbound(chatty, ago(15))
        yield* inbound(chatty, ago(13))

        // Outbox: published more than 7 days ago goes; recently published and pending stay.
        const outbox = yield* Outbox
        yield* outbox.add(
          Array.from({ length: 4 }, () => ({
            id: globalThis.crypto.randomUUID(),
            eventType: "PaymentReceivedEvent",
            key: chatty,
            body: "{}",
            createdAt: ago(10)
          }))
        )
        const claimed = yield* outbox.claim(10, ago(9), "1 minute")
        expect(claimed).toHaveLength(4)
        yield* outbox.markPublished(claimed.slice(0, 2).map((e) => e.id), ago(8))
        yield* outbox.markPublished(claimed.slice(2, 3).map((e) => e.id), ago(6))

        // Handled event ids: forgotten after two weeks, kept before.
        const inbox = yield* Inbox
        yield* inbox.markHandled("conversation", unique("old-event"), ago(15))
        yield* inbox.markHandled("conversation", unique("recent-event"), ago(13))

        // Tunes: past their expiry are marked; future, unknown or already marked are not.
        const modelled = user()
        yield* tune(modelled, ago(1))
        yield* tune(modelled, ago(-5))
        yield* tune(modelled, undefined)
        yield* tune(modelled, ago(3), true)

        const first = yield* runMaintenance
        if (options.analyzes) {
          // The photos left after the clean-up, in bytes, and every table of the schema measured.
          const growth = Option.getOrThrow(first.growth)
          const left = (yield* Effect.flatMap(Photos, (p) => Effect.all([collecting, reordering, recent, paid].map((u) => p.listForUser(u))))).flat()
          expect(growth.photoBytes).toBe(left.reduce((sum, photo) => sum + photo.bytes.length, 0))
          expect(growth.tables.map((size) => size.table)).toEqual(expect.arrayContaining(["photos", "orders", "attention_items"]))
          expect(growth.totalBytes).toBe(growth.tables.reduce((sum, size) => sum + size.bytes, 0))
          expect(growth.totalBytes).toBeGreaterThan(growth.photoBytes)
        } else {
          expect(first.growth).toEqual(Option.none())
        }
        expect({ ...first, ranAt: undefined, growth: undefined }).toEqual({
          ranAt: undefined,
          growth: undefined,
          inboundMessagesDeleted: 2,
          // The three messages' ids, seen 13 to 20 days ago: past Meta's redeliveries.
          seenMessageIdsForgotten: 3,
          trainedUsersPhotosDeleted: { users: 1, photos: 2 },
          unpaidPhotosDeleted: 2,
          publishedOutboxDeleted: 2,
          handledEventsForgotten: 1,
          tunesExpired: 1,
          tablesAnalyzed: options.analyzes
        })

        const photos = yield* Photos
        const counts = yield* Effect.all({
          trained: photos.countForUser(trained),
          collecting: photos.countForUser(collecting),
          reordering: photos.countForUser(reordering),
          lapsed: photos.countForUser(lapsed),
          recent: photos.countForUser(recent),
          paid: photos.countForUser(paid),
          history: Effect.flatMap(InboundMessages, (messages) => messages.countForUser(chatty))
        })
        expect(counts).toEqual({ trained: 0, collecting: 2, reordering: 1, lapsed: 0, recent: 1, paid: 1, history: 1 })
        expect(yield* outbox.stats).toMatchObject({ pending: 1, published: 1 })
        const tunes = yield* Effect.flatMap(Tunes, (t) => t.listForUser(modelled))
        expect(tunes.filter((t) => t.expired)).toHaveLength(2)

        const second = yield* runMaintenance
        expect({ ...second, ranAt: undefined, growth: undefined }).toEqual({
          ranAt: undefined,
          growth: undefined,
          inboundMessagesDeleted: 0,
          seenMessageIdsForgotten: 0,
          trainedUsersPhotosDeleted: { users: 0, photos: 0 },
          unpaidPhotosDeleted: 0,
          publishedOutboxDeleted: 0,
          handledEventsForgotten: 0,
          tunesExpired: 0,
          tablesAnalyzed: options.analyzes
        })
      }).pipe(
        Effect.provide(Layer.merge(storage, MaintenanceSettings.defaults)),
        Logger.withMinimumLogLevel(LogLevel.None)
      )
    )
  })
