import { Clock, Context, Data, Duration, Effect, Layer, Option, Schedule } from "effect"
import { EventBroker } from "../application/ports/EventBroker.js"
import { EventQueueReadings } from "../application/ports/EventQueueReadings.js"
import { OutboundMessages } from "../application/ports/OutboundMessages.js"
import { Outbox } from "../application/ports/Outbox.js"
import { Users } from "../application/ports/Users.js"
import { botSubscriptions } from "../application/workers/Consumers.js"
import { actionId, ReplyAction } from "../domain/conversation/ReplyAction.js"
import { FakeAstria } from "./fakes/astria/FakeAstria.js"
import { FakeGraph } from "./fakes/graph-api/layers.js"
import { HarnessCheckout } from "./HarnessCheckout.js"
import { seenMessage, type SeenMessage } from "./SeenMessage.js"

/** The reply id of the consent button. */
const photoConsentId = actionId(ReplyAction.AgreePhotos())

/** What the person was waiting for never came; the message lists what did. */
export class DriverTimeout extends Data.TaggedError("DriverTimeout")<{
  readonly what: string
  readonly seen: ReadonlyArray<SeenMessage>
}> {
  override get message(): string {
    const lines = this.seen.map((m) => `  [${m.kind}] ${m.text.slice(0, 80).replace(/\n/g, " ")}`)
    return `Timed out waiting for ${this.what}. The person saw:\n${lines.join("\n")}`
  }
}

/** The bot still had work queued when the wait ran out; the message says what. */
export class DriverBusy extends Data.TaggedError("DriverBusy")<{
  readonly backlog: string
}> {
  override get message(): string {
    return `The bot never went quiet: ${this.backlog}`
  }
}

/**
 * The ports whose queues say whether the bot has work left. The broker's own queues count too
 * where it can read them (`EventQueueReadings`: in memory and on Postgres): an event published
 * out of the outbox and not yet handled is work left.
 */
export type BotQueues = Outbox | OutboundMessages | Users | EventBroker

/** One simulated person on WhatsApp. */
export interface DriverUser {
  readonly who: { readonly waId?: string; readonly userId?: string }
  readonly says: (text: string) => Effect.Effect<string>
  readonly sendsPhoto: (bytes: Uint8Array, options?: { readonly mimeType?: string; readonly asDocument?: boolean }) => Effect.Effect<string>
  /** Taps a reply button (by id or title) of the newest message that has it. */
  readonly taps: (button: string) => Effect.Effect<string>
  /** Picks a list row (by id or title) of the newest list that has it. */
  readonly picks: (row: string) => Effect.Effect<string>
  /**
   * Waits for the question whether photos may be kept (asked before the first photo) and taps its
   * button: the person agrees.
   */
  readonly agreesToPhotos: (timeoutMillis?: number) => Effect.Effect<string, DriverTimeout>
  /** Sends something the bot cannot use (a voice note). */
  readonly sendsVoiceNote: Effect.Effect<string>
  /** Everything received so far, in order. */
  readonly seen: Effect.Effect<ReadonlyArray<SeenMessage>>
  /** Waits until what was received satisfies `done` (10 s by default: CI machines are busy); answers it. */
  readonly waitUntil: (
    what: string,
    done: (seen: ReadonlyArray<SeenMessage>) => boolean,
    timeoutMillis?: number
  ) => Effect.Effect<ReadonlyArray<SeenMessage>, DriverTimeout>
  /** Opens the newest payment link and presses Pay on the fake checkout (which dies when it takes no payment). */
  readonly paysLatestLink: Effect.Effect<void, DriverTimeout>
}

export interface BotDriverService {
  readonly user: (who: { readonly waId?: string; readonly userId?: string; readonly name?: string }) => Effect.Effect<DriverUser>
  /** Astria finishes every tune: trained, images rendered, callbacks posted. */
  readonly astriaCompletesAll: Effect.Effect<void>
  /**
   * Waits until the bot has nothing left to do (10 s by default): no event waiting in the outbox,
   * no message waiting in the outbound queue (one waiting for a retry counts; one held for the
   * 24-hour window does not), and neither those queues, the broker's dead letters nor what the
   * fakes saw has moved for `settleMillis` (300 ms by default), which covers a consumer still
   * handling an event the broker delivered. Assert "nothing more arrived" after this, not after a sleep.
   */
  readonly quiescent: (options?: {
    readonly timeoutMillis?: number
    readonly settleMillis?: number
  }) => Effect.Effect<void, DriverBusy, BotQueues>
}

/** A driver for tests and embedding teams: people chat with the bot through the fake Graph API. */
export class BotDriver extends Context.Tag("whatsapp-astria-bot/harness/BotDriver")<BotDriver, BotDriverService>() {
  static readonly layer = Layer.effect(
    this,
    Effect.gen(function* () {
      const graph = yield* FakeGraph
      const astria = yield* FakeAstria
      const payments = yield* HarnessCheckout

      const user = (identity: { readonly waId?: string; readonly userId?: string; readonly name?: string }) =>
        Effect.gen(function* () {
          const fakeUser = yield* graph.addUser(identity)
          const who = fakeUser.waId === undefined ? { userId: fakeUser.userId } : { waId: fakeUser.waId }
          const seen = Effect.map(graph.received(who), (messages) => messages.map((m) => seenMessage(m.id, m.body)))
          const send = (message: Parameters<typeof graph.userSends>[1]) =>
            graph.userSends(who, message).pipe(
              Effect.map((result) => result.wamid),
              Effect.orDie
            )
          const newest = <A>(pick: (message: SeenMessage) => A | undefined, what: string) =>
            Effect.flatMap(seen, (messages) => {
              for (const message of [...messages].reverse()) {
                const found = pick(message)
                if (found !== undefined) return Effect.succeed({ found, message })
              }
              return Effect.dieMessage(`No ${what} among what the person received`)
            })
          const waitUntil = (what: string, done: (seen: ReadonlyArray<SeenMessage>) => boolean, timeoutMillis = 10_000) =>
            seen.pipe(
              Effect.filterOrFail(done, () => "not yet"),
              Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo(Duration.millis(timeoutMillis)))),
              Effect.catchAll(() => Effect.flatMap(seen, (messages) => new DriverTimeout({ what, seen: messages })))
            )
          const driverUser: DriverUser = {
            who,
            says: (text) => send({ type: "text", text: { body: text } }),
            sendsPhoto: (bytes, options = {}) =>
              Effect.gen(function* () {
                const mimeType = options.mimeType ?? "image/jpeg"
                const mediaId = yield* graph.putMedia(bytes, mimeType)
                return yield* options.asDocument === true
                  ? send({ type: "document", document: { id: mediaId, mime_type: mimeType, sha256: "", filename: "photo.jpg" } })
                  : send({ type: "image", image: { id: mediaId, mime_type: mimeType, sha256: "" } })
              }),
            taps: (button) =>
              Effect.flatMap(
                newest((message) => message.buttons.find((b) => b.id === button || b.title === button), `button "${button}"`),
                ({ found, message }) =>
                  send({
                    type: "interactive",
                    context: { from: "bot", id: message.id },
                    interactive: { type: "button_reply", button_reply: { id: found.id, title: found.title } }
                  })
              ),
            picks: (row) =>
              Effect.flatMap(
                newest((message) => message.rows.find((r) => r.id === row || r.title === row), `list row "${row}"`),
                ({ found, message }) =>
                  send({
                    type: "interactive",
                    context: { from: "bot", id: message.id },
                    interactive: { type: "list_reply", list_reply: { id: found.id, title: found.title } }
                  })
              ),
            agreesToPhotos: (timeoutMillis) =>
              Effect.zipRight(
                waitUntil(
                  "the question whether photos may be kept",
                  (all) => all.some((m) => m.buttons.some((b) => b.id === photoConsentId)),
                  timeoutMillis
                ),
                Effect.suspend(() => driverUser.taps(photoConsentId))
              ),
            sendsVoiceNote: Effect.flatMap(graph.putMedia(new Uint8Array([1, 2, 3]), "audio/ogg"), (mediaId) =>
              send({ type: "audio", audio: { id: mediaId, mime_type: "audio/ogg", sha256: "", voice: true } })
            ),
            seen,
            waitUntil,
            paysLatestLink: Effect.gen(function* () {
              const messages = yield* waitUntil("a payment link", (all) =>
                all.some((m) => m.kind === "LinkButton" || /https?:\/\/\S+checkout\S*/.test(m.text))
              )
              const link = [...messages]
                .reverse()
                .map((m) => m.url ?? /https?:\/\/\S+checkout\S*/.exec(m.text)?.[0])
                .find((url) => url !== undefined)
              if (link === undefined) return yield* Effect.dieMessage("no payment link")
              yield* Effect.orDieWith(payments.pay(link), (reason) => new Error(`the checkout took no payment: ${reason}`))
            })
          }
          return driverUser
        })

      /** What is queued, and a fingerprint of everything that moves when the bot works. */
      const snapshot = Effect.gen(function* () {
        const outbox = yield* (yield* Outbox).stats
        const outbound = yield* OutboundMessages
        const broker = yield* EventBroker
        const people = yield* (yield* Users).list({ limit: 100_000, offset: 0 })
        const intents = (yield* Effect.forEach(people, (person) => outbound.listForUser(person.id))).flat()
        const deadLetters = yield* Effect.forEach(botSubscriptions, (subscription) => broker.deadLetters(subscription.name))
        const waiting = intents.filter((intent) => intent.status === "pending").length
        const readings = yield* Effect.serviceOption(EventQueueReadings)
        const queues = Option.isSome(readings) ? [...(yield* readings.value.read).values()] : []
        const inBroker = queues.reduce((sum, queue) => sum + queue.waiting + queue.leased, 0)
        const moved = [
          outbox.published,
          intents.map((intent) => `${intent.id}:${intent.status}:${intent.attempts}`).join(","),
          deadLetters.map((letters) => letters.length).join(","),
          (yield* graph.attempts).length,
          (yield* graph.readReceipts).length,
          (yield* graph.downloads).length,
          (yield* astria.control.tunes).length,
          (yield* astria.control.callbacks).length,
          yield* payments.deliveries
        ].join("|")
        return {
          idle: outbox.pending === 0 && inBroker === 0 && waiting === 0,
          moved,
          backlog: `${outbox.pending} event(s) in the outbox, ${inBroker} event(s) in the broker, ${waiting} message(s) waiting to be sent`
        }
      }).pipe(Effect.orDie)

      const quiescent: BotDriverService["quiescent"] = ({ timeoutMillis = 10_000, settleMillis = 300 } = {}) =>
        Effect.gen(function* () {
          const deadline = (yield* Clock.currentTimeMillis) + timeoutMillis
          let quietSince: { readonly moved: string; readonly at: number } | undefined
          for (;;) {
            const now = yield* Clock.currentTimeMillis
            const { idle, moved, backlog } = yield* snapshot
            if (!idle || quietSince?.moved !== moved) quietSince = idle ? { moved, at: now } : undefined
            else if (now - quietSince.at >= settleMillis) return
            if (now > deadline) return yield* new DriverBusy({ backlog: idle ? "it kept working" : backlog })
            yield* Effect.sleep("20 millis")
          }
        })

      return { user, astriaCompletesAll: astria.control.completeAll, quiescent }
    })
  )
}
