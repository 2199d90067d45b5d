import { Config, Context, Duration, Effect, Layer, Schema } from "effect"
import { Language } from "../../domain/catalogue/Language.js"
import { answerInBurst, slowDownMessage, takenTogether, type Burst } from "../../domain/conversation/bursts.js"
import type { Command } from "../../domain/conversation/Command.js"
import type { Decision } from "../../domain/conversation/Decision.js"
import type { Input } from "../../domain/conversation/Input.js"
import type { UserId } from "../../domain/ids.js"
import type { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { OutgoingMessageSchema } from "../../domain/messages/OutgoingMessageSchema.js"
import { InboundMessages } from "../ports/InboundMessages.js"
import { OutboundMessages, type OutboundIntent } from "../ports/OutboundMessages.js"
import type { StorageUnavailable } from "../ports/StorageUnavailable.js"

export interface FloodSettingsShape {
  /** A person is flooding past `textLimit` free texts within `window`. */
  readonly textLimit: number
  readonly window: Duration.Duration
  /**
   * A text that arrives this soon after an answer was queued was typed before the person could
   * read it: the same answer is not repeated to it.
   */
  readonly repeatGap: Duration.Duration
}

export class FloodSettings extends Context.Tag("whatsapp-astria-bot/FloodSettings")<FloodSettings, FloodSettingsShape>() {
  static readonly config: Config.Config<FloodSettingsShape> = Config.all({
    textLimit: Config.integer("FLOOD_TEXT_LIMIT").pipe(
      Config.validate({ message: "FLOOD_TEXT_LIMIT must be between 1 and 1000", validation: (n) => n >= 1 && n <= 1000 }),
      Config.withDefault(10)
    ),
    window: Config.duration("FLOOD_WINDOW").pipe(Config.withDefault(Duration.minutes(1))),
    repeatGap: Config.duration("FLOOD_REPEAT_GAP").pipe(Config.withDefault(Duration.seconds(10)))
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}

/** The inbound kinds that reach the decider as free text or as something it cannot read. */
const freeKinds: ReadonlySet<string> = new Set(["Text", "TemplateButton", "Location", "Unsupported"])

const waiting = (intent: OutboundIntent) => intent.status === "pending" || intent.status === "awaiting_window"

// Messages are compared by their stored form: a decoded intent and a fresh decision build equal
// messages as different objects.
const encodeMessage = Schema.encodeSync(OutgoingMessageSchema)
const fingerprint = (message: OutgoingMessage) => JSON.stringify(encodeMessage(message))

const aloneBurst: Burst = { overRate: false, toldToSlowDown: false, onItsWay: () => false }

/**
 * The commands of a decision on a person's text, answered as part of their burst (see
 * `bursts.ts`): what is already on its way to them is read from their outbound intents, their
 * rate from their latest messages. `arrivedAt` is when the text was taken in (its event's time).
 * Other inputs' commands pass unchanged. Runs in the conversation's transaction, under the
 * person's lock; a `newcomer` is someone made in it.
 */
export const answerAsBurst = (
  userId: UserId,
  input: Input,
  arrivedAt: Date,
  { newcomer }: { readonly newcomer: boolean },
  decision: Decision
): Effect.Effect<ReadonlyArray<Command>, StorageUnavailable, FloodSettings | OutboundMessages | InboundMessages> =>
  Effect.gen(function* () {
    if (!takenTogether(input) || !decision.commands.some((command) => command._tag === "Send")) {
      return decision.commands
    }
    // Someone made in this transaction has nothing queued and no message stored but this text
    // (the limit is at least 1): their burst is this text alone, with nothing to read.
    if (newcomer) return answerInBurst(aloneBurst, decision.conversation.language, decision.commands)
    const { textLimit, window, repeatGap } = yield* FloodSettings
    const windowMillis = Duration.toMillis(window)
    const arrived = arrivedAt.getTime()
    // Only what the rule below looks at: replies still waiting, and those of the longer of the two
    // spans; a person's older history is never needed (it grows with every answer).
    const readSince = new Date(arrived - Math.max(windowMillis, Duration.toMillis(repeatGap)))
    const intents = yield* Effect.flatMap(OutboundMessages, (outbound) => outbound.waitingOrSinceForUser(userId, readSince))
    // Queued after the text arrived (its answer was pending when it came), or just before; unless
    // Meta reports it read: then the text was written after reading it, and is a new question.
    const crossed = (intent: OutboundIntent) =>
      intent.status !== "read" && intent.createdAt.getTime() >= arrived - Duration.toMillis(repeatGap)
    const onItsWay = new Set(
      intents.filter((intent) => waiting(intent) || crossed(intent)).map((intent) => fingerprint(intent.message))
    )
    const notices = new Set(Language.literals.map((language) => fingerprint(slowDownMessage(language))))
    const toldSince = arrived - windowMillis
    const toldToSlowDown = intents.some(
      (intent) => notices.has(fingerprint(intent.message)) && (waiting(intent) || intent.createdAt.getTime() >= toldSince)
    )
    // Over the rate: more than the limit of free texts among the person's latest messages, within
    // the window of the newest. Twice the limit are read, so photos and taps mixed into a flood of
    // texts do not hide it (messages of one second come in no particular order).
    const latest = yield* Effect.flatMap(InboundMessages, (inbound) => inbound.recentForUser(userId, 2 * textLimit + 1))
    const since = (latest[0]?.receivedAt.getTime() ?? arrived) - windowMillis
    const overRate =
      latest.filter((message) => freeKinds.has(message.kind) && message.receivedAt.getTime() >= since).length > textLimit
    const burst: Burst = { overRate, toldToSlowDown, onItsWay: (message) => onItsWay.has(fingerprint(message)) }
    return answerInBurst(burst, decision.conversation.language, decision.commands)
  })
