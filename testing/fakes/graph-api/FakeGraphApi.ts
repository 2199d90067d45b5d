import { createServer } from "node:http"
import type { HttpServerError } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { Scope } from "effect"
import { Effect, Option, Stream } from "effect"
import type { StatusValue, WebhookEnvelopeEncoded } from "../../../contracts/whatsapp/Webhook.js"
import { makeAccount, type FakeTemplate } from "./account.js"
import { base64Sha256, dayMs } from "./ids.js"
import { makeMedia } from "./media.js"
import { bytesContent, specContent } from "./mediaContent.js"
import type {
  BatchLayout,
  Delivery,
  FakeGraphApiOptions,
  FakeUser,
  Fault,
  InboundDraft,
  MediaDownload,
  MediaSpec,
  PostOptions,
  ReadReceipt,
  ReceivedMessage,
  SendAttempt,
  UserRef,
  WebhookPostError
} from "./model.js"
import { makePacing } from "./pacing.js"
import { persistGraphState } from "./persistence.js"
import { makeRouter } from "./router.js"
import { makeSending } from "./sending.js"
import { graphSettings } from "./settings.js"
import { makeGraphState, now } from "./state.js"
import { makeWebhooks } from "./webhooks.js"

export type { BatchLayout, Delivery, FakeGraphApiOptions, FakeUser, Fault, InboundDraft, MediaDownload, MediaSpec, PostOptions, ReadReceipt, ReceivedMessage, SendAttempt, UserRef } from "./model.js"
export { WebhookPostError } from "./model.js"

/**
 * A fake of the WhatsApp Cloud (Graph) API on a loopback port, faithful where the bot's
 * correctness depends on it: Meta's send validation (one short sentence; 100, 131008, 131009,
 * and 131051 for the message types the bot never sends), response shapes and wamids, `to` read
 * as a number whatever its formatting, throughput (130429), pair rate (131056) and the 24 h
 * window (131047, at once or as a later `failed` status), tokens (190 with its subcode, 104),
 * multipart uploads, media URLs that expire after 5 minutes, deletes, and webhooks signed over
 * Meta's exact escaping. Time comes from effect's Clock, so a test under TestClock moves the
 * fake's time too.
 *
 * Its parts: `router.ts` (routes), `state.ts` (what it remembers), and the behaviours
 * `sending.ts` (with `validation.ts`), `pacing.ts`, `media.ts`, `webhooks.ts` and `errors.ts`.
 */
export interface FakeGraphApi {
  /** Graph API base with its version: the adapter's WHATSAPP_API_URL. */
  readonly baseUrl: string
  readonly origin: string
  readonly accessToken: string
  readonly appSecret: string
  readonly phoneNumberId: string

  readonly addUser: (user: { readonly waId?: string; readonly userId?: string; readonly name?: string; readonly username?: string }) => Effect.Effect<FakeUser>
  readonly user: (who: UserRef) => Effect.Effect<Option.Option<FakeUser>>
  /** Everything the person received, in order, whether addressed by phone or by user id. */
  readonly received: (who: UserRef) => Effect.Effect<ReadonlyArray<ReceivedMessage>>
  /** Accepted messages as they arrive, for a simulator showing people's phones live. */
  readonly deliveries: Stream.Stream<Delivery>
  /** Every send attempt, refused ones included, for pacing checks. */
  readonly attempts: Effect.Effect<ReadonlyArray<SendAttempt>>
  readonly readReceipts: Effect.Effect<ReadonlyArray<ReadReceipt>>
  readonly downloads: Effect.Effect<ReadonlyArray<MediaDownload>>

  /** Media as if a person had sent it (ids live 7 days); answers the media id. */
  readonly putMedia: (bytes: Uint8Array, mimeType: string) => Effect.Effect<string>
  /**
   * Media with a body and a declared size of the test's choosing (ids live 7 days), e.g. a
   * `file_size` of 1000 over a 40 MB body, to check that a download stops at its bound.
   */
  readonly registerMedia: (spec: MediaSpec) => Effect.Effect<string>
  /** A message template of the business account, as Meta's review left it; answers its id. */
  readonly registerTemplate: (template: FakeTemplate) => Effect.Effect<string>
  /**
   * Forgets every media id, as Meta does 30 days after an upload and as a fake restarted without
   * its data does: sends with those ids are refused from then on.
   */
  readonly forgetMedia: Effect.Effect<void>
  /** Bytes of any media the fake holds (uploaded by the bot or put by a test). */
  readonly media: (mediaId: string) => Effect.Effect<Option.Option<{ readonly bytes: Uint8Array; readonly mimeType: string }>>

  readonly fail: (fault: Fault) => Effect.Effect<void>
  /** The next `times` calls of any kind answer this HTTP status without a Graph body. */
  readonly failHttp: (status: number, times?: number) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  /** The person wrote now, as far as the 24 h window goes (without a webhook). */
  readonly openWindow: (who: UserRef) => Effect.Effect<void>
  readonly closeWindow: (who: UserRef) => Effect.Effect<void>

  readonly setWebhookTarget: (url: string) => Effect.Effect<void>
  /** Posts an envelope, serialized and signed as Meta does; answers our server's statuses. */
  readonly postWebhook: (envelope: WebhookEnvelopeEncoded, options?: PostOptions) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** Posts exact bytes (e.g. a recorded real webhook), signed. */
  readonly postRaw: (body: string, options?: PostOptions) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** A person writes to the bot: opens their window and posts the message. */
  readonly userSends: (
    who: UserRef,
    message: InboundDraft,
    options?: PostOptions
  ) => Effect.Effect<{ readonly wamid: string; readonly statuses: ReadonlyArray<number> }, WebhookPostError>
  /** Several people's messages in one POST, laid out as `layout`. */
  readonly userSendsBatch: (
    items: ReadonlyArray<{ readonly who: UserRef; readonly message: InboundDraft }>,
    layout: BatchLayout,
    options?: PostOptions
  ) => Effect.Effect<{ readonly wamids: ReadonlyArray<string>; readonly statuses: ReadonlyArray<number> }, WebhookPostError>
  /** Status webhooks for a sent message, in the order given (e.g. read before delivered). */
  readonly emitStatuses: (
    wamid: string,
    statuses: ReadonlyArray<StatusValue>,
    options?: PostOptions & { readonly layout?: "separate" | "together" }
  ) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** The person moves to a new phone number: a `user_changed_number` system message. */
  readonly changeNumber: (who: UserRef, newWaId: string) => Effect.Effect<ReadonlyArray<number>, WebhookPostError>
  /** Builds (without posting) the envelope of messages from people, for custom deliveries. */
  readonly envelopeOf: (items: ReadonlyArray<{ readonly who: UserRef; readonly message: InboundDraft }>, layout: BatchLayout) => Effect.Effect<{ readonly envelope: WebhookEnvelopeEncoded; readonly wamids: ReadonlyArray<string> }>
}

export const makeFakeGraphApi = (options: FakeGraphApiOptions = {}): Effect.Effect<FakeGraphApi, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function* () {
    const settings = graphSettings(options)
    const state = makeGraphState(options.webhookUrl)
    if (options.dataDir !== undefined) yield* persistGraphState(state, options.dataDir)
    const webhooks = yield* makeWebhooks(settings, state)
    const sending = yield* makeSending(settings, state, makePacing(settings, state), webhooks)
    const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" })
    const account = makeAccount(settings)
    yield* server.serve(makeRouter(settings, state, sending, makeMedia(settings, state), account))
    const origin = server.address._tag === "TcpAddress" ? `http://127.0.0.1:${server.address.port}` : "http://127.0.0.1"
    const userIdOf = (who: UserRef) => Effect.map(state.userOrCreate(who), (user) => user.userId)

    return {
      baseUrl: `${origin}/${settings.version}`,
      origin,
      accessToken: settings.accessToken,
      appSecret: settings.appSecret,
      phoneNumberId: settings.phoneNumberId,
      addUser: state.addUser,
      user: (who) => Effect.sync(() => Option.fromNullable(state.findUser(who))),
      received: (who) =>
        Effect.sync(() => {
          const user = state.findUser(who)
          return user === undefined ? [] : [...(state.inbox.get(user.userId) ?? [])]
        }),
      deliveries: Stream.fromPubSub(sending.deliveries),
      attempts: Effect.sync(() => [...state.attempts]),
      readReceipts: Effect.sync(() => [...state.reads]),
      downloads: Effect.sync(() => [...state.downloads]),
      putMedia: (bytes, mimeType) => state.storeMedia(bytesContent(bytes, mimeType), 7 * dayMs),
      registerMedia: (spec) => state.storeMedia(specContent(spec), 7 * dayMs),
      registerTemplate: account.registerTemplate,
      forgetMedia: Effect.sync(() => state.media.clear()),
      media: (mediaId) => Effect.sync(() => Option.map(Option.fromNullable(state.media.get(mediaId)), (item) => ({ bytes: item.bytes(), mimeType: item.mimeType }))),
      fail: (fault) => Effect.sync(() => void state.faults.push({ ...fault, remaining: fault.times ?? 1 })),
      failHttp: (status, times = 1) => Effect.sync(() => void state.httpFaults.push({ status, remaining: times })),
      clearFaults: Effect.sync(() => {
        state.faults.length = 0
        state.httpFaults.length = 0
      }),
      openWindow: (who) => Effect.flatMap(Effect.zip(userIdOf(who), now), ([userId, at]) => Effect.sync(() => void state.lastInbound.set(userId, at))),
      closeWindow: (who) => Effect.flatMap(userIdOf(who), (userId) => Effect.sync(() => void state.lastInbound.delete(userId))),
      setWebhookTarget: (url) => Effect.sync(() => void (state.webhookUrl = url)),
      postWebhook: webhooks.postEnvelope,
      postRaw: webhooks.postRaw,
      userSends: (who, message, postOptions) =>
        Effect.map(webhooks.userSendsBatch([{ who, message }], "messages", postOptions), ({ statuses, wamids }) => ({ wamid: wamids[0] ?? "", statuses })),
      userSendsBatch: webhooks.userSendsBatch,
      emitStatuses: webhooks.emitStatuses,
      changeNumber: webhooks.changeNumber,
      envelopeOf: webhooks.envelopeOf
    } satisfies FakeGraphApi
  })

/** The Meta base64 SHA-256 of some bytes, as webhooks announce media. */
export const announcedSha256 = base64Sha256
