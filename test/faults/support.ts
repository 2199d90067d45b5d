import { createHmac } from "node:crypto"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import type { FakeGraphApi, InboundDraft, UserRef } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { FakeGraph, FakeGraphLive } from "../../testing/fakes/graph-api/layers.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"

/**
 * People chatting through one fake Graph API in the test process, which the bot processes under
 * test send to; Astria and payments are not reached in these tests, so their fakes only complete
 * the driver.
 */
export const peopleOnFakeGraph = BotDriver.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(FakeGraphLive({ pairRate: "off" }), FakeAstria.layer(), FakePaymentProvider.layer({ secret: "unused" })))
)

/** The URL of a built PgClient (a fresh schema's carries its search_path), for child processes. */
export const urlOf = (client: PgClient.PgClient): string =>
  Redacted.value(Option.getOrThrow(Option.fromNullable(client.config.url)))

export const clientOf = (layer: Layer.Layer<PgClient.PgClient, unknown>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, PgClient.PgClient))

export const logFile = (label: string) => join(tmpdir(), `faults-${label}-${process.pid}.log`)

/** A message from a person posted, signed as Meta signs, to the bot at `baseUrl`; answers the HTTP status. */
export const postSigned = (graph: FakeGraphApi, baseUrl: string, who: UserRef, message: InboundDraft) =>
  Effect.gen(function* () {
    const { envelope, wamids } = yield* graph.envelopeOf([{ who, message }], "messages")
    const raw = JSON.stringify(envelope)
    const signature = `sha256=${createHmac("sha256", graph.appSecret).update(raw).digest("hex")}`
    const response = yield* Effect.promise(() =>
      fetch(`${baseUrl}/SmsReceived`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body: raw })
    )
    yield* Effect.promise(() => response.arrayBuffer())
    return { status: response.status, wamid: wamids[0] ?? "" }
  })

export { FakeGraph }
