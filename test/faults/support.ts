import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { signBody } from "../../adapters/whatsapp-cloud/verifySignature.js"
import { BotDriver, type BotDriverService, type DriverUser } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import type { FakeGraphApi, InboundDraft, UserRef } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { FakeGraph, FakeGraphLive } from "../../testing/fakes/graph-api/layers.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { payOnFakeCheckout } from "../../testing/FakeParts.js"

/**
 * People chatting through one fake Graph API in the test process, which the bot processes under
 * test send to, and which posts each sent message's statuses as Meta does (until answered 200,
 * so a bot killed before it stored a send still learns of it once restarted); Astria and payments are not reached in these tests, so their fakes only complete
 * the driver.
 */
export const peopleOnFakeGraph = BotDriver.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(FakeGraphLive({ pairRate: "off", autoStatuses: true }), FakeAstria.layer(), payOnFakeCheckout.pipe(Layer.provideMerge(FakePaymentProvider.layer({ secret: "unused" })))))
)

/** The URL of a built PgClient (a fresh schema's carries its search_path), for child processes. */
export const urlOf = (client: PgClient.PgClient): string =>
  Redacted.value(Option.getOrThrow(Option.fromNullable(client.config.url)))

export const clientOf = (layer: Layer.Layer<PgClient.PgClient, unknown>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, PgClient.PgClient))

export const logFile = (label: string) => join(tmpdir(), `faults-${label}-${process.pid}.log`)

/** Webhook bytes posted to the bot at `baseUrl`, signed as Meta signs them; answers the HTTP status. */
export const postRawSigned = (graph: FakeGraphApi, baseUrl: string, raw: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${baseUrl}/SmsReceived`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signBody(graph.appSecret, raw) },
      body: raw
    })
    await response.arrayBuffer()
    return response.status
  })

/** A message from a person posted, signed as Meta signs, to the bot at `baseUrl`; answers the HTTP status. */
export const postSigned = (graph: FakeGraphApi, baseUrl: string, who: UserRef, message: InboundDraft) =>
  Effect.gen(function* () {
    const { envelope, wamids } = yield* graph.envelopeOf([{ who, message }], "messages")
    const status = yield* postRawSigned(graph, baseUrl, JSON.stringify(envelope))
    return { status, wamid: wamids[0] ?? "" }
  })

/** A first message as posted, and every answer the bot gave it. */
export interface SentHello {
  readonly user: DriverUser
  /** The exact bytes, so a retry is the same delivery, as Meta's retries are. */
  readonly raw: string
  readonly statuses: Array<number>
}

/** The `i`-th new person (waId `prefix` + i) writes "hello"; the delivery is recorded in `sent`. */
export const firstHello = (options: {
  readonly driver: BotDriverService
  readonly graph: FakeGraphApi
  readonly baseUrl: string
  readonly sent: Array<SentHello>
  readonly waIdPrefix: string
  readonly namePrefix: string
}) => (i: number) =>
  Effect.gen(function* () {
    const user = yield* options.driver.user({ waId: `${options.waIdPrefix}${String(i).padStart(5, "0")}`, name: `${options.namePrefix}${i}` })
    yield* options.graph.openWindow(user.who)
    const { envelope } = yield* options.graph.envelopeOf([{ who: user.who, message: { type: "text", text: { body: "hello" } } }], "messages")
    const entry: SentHello = { user, raw: JSON.stringify(envelope), statuses: [] }
    options.sent.push(entry)
    entry.statuses.push(yield* postRawSigned(options.graph, options.baseUrl, entry.raw))
  })

export { FakeGraph }
