/**
 * What the WhatsApp Cloud adapter costs in CPU per call, beside the HTTP clients it runs on, in
 * the same run: N calls of each side at C at once to a local stand-in of the Graph API (its own
 * process, not counted), rounds rotating the order of the sides. See bench/README.md.
 *
 *   npx tsx bench/whatsapp-send/run.ts   (SEND_BENCH_CALLS=4000, SEND_BENCH_CONCURRENCY=16, SEND_BENCH_ROUNDS=5,
 *   SEND_BENCH_ONLY=<part of a side's name>)
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { fork } from "node:child_process"
import { Agent, request as httpRequest } from "node:http"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import * as Undici from "@effect/platform-node/Undici"
import { Messenger } from "../../application/ports/Messenger.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"

const calls = Number(process.env.SEND_BENCH_CALLS ?? 4000)
const concurrency = Number(process.env.SEND_BENCH_CONCURRENCY ?? 16)
const rounds = Number(process.env.SEND_BENCH_ROUNDS ?? 5)
/** People the sends cycle through: each gets a few messages a round, as in the whole-bot bench. */
const people = 500

const numberId = "106540352242922"

/** The newcomer's welcome, as the conversation sends it: a list of packs. */
const list = OutgoingMessage.List({
  header: "Welcome",
  body: "Pick a style pack to start. Each pack gives you 40 professional headshots from your selfies.",
  buttonLabel: "See packs",
  footer: "Prices include VAT",
  sections: [
    {
      title: "",
      rows: Array.from({ length: 6 }, (_, i) => ({ id: `pack:${100 + i}`, title: `Pack ${i + 1}`, description: "Corporate, studio light" }))
    }
  ]
})
const text = OutgoingMessage.Text({ body: "Thanks! Send 3 more selfies, in good light, one face per photo." })
const waId = (i: number) => String(972500000000 + (i % people))

/** The body the plain client posts: what the adapter puts on the wire for `list`. */
const listWireBody = JSON.stringify({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: waId(0),
  biz_opaque_callback_data: "0b5c6a9e-4f0e-4c55-9a55-2f1a4e1b9c11/1",
  type: "interactive",
  interactive: {
    type: "list",
    header: { type: "text", text: "Welcome" },
    body: { text: "Pick a style pack to start. Each pack gives you 40 professional headshots from your selfies." },
    footer: { text: "Prices include VAT" },
    action: {
      button: "See packs",
      sections: [{ rows: Array.from({ length: 6 }, (_, i) => ({ id: `pack:${100 + i}`, title: `Pack ${i + 1}`, description: "Corporate, studio light" })) }]
    }
  }
})

const startStandIn = () =>
  new Promise<{ port: number; stop: () => void }>((resolve, reject) => {
    // Compiled (for a profile with names and lines of its own) or under tsx.
    const compiled = import.meta.filename.endsWith(".js")
    const child = fork(join(import.meta.dirname, compiled ? "stand-in.js" : "stand-in.ts"), [], {
      execArgv: compiled ? [] : ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    child.once("error", reject)
    child.once("message", (message: { port: number }) => resolve({ port: message.port, stop: () => child.kill() }))
  })

interface Sample {
  readonly side: string
  readonly cpuMs: number
  readonly wallMs: number
}

/** Runs `calls` calls of `one`, `concurrency` at once, measuring this process's CPU (user and system). */
const measure = async (side: string, one: (i: number) => Promise<unknown>): Promise<Sample> => {
  globalThis.gc?.()
  let next = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await one(next++)
    })
  )
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { side, cpuMs: (used.user + used.system) / 1000 / calls, wallMs }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const main = async () => {
  const standIn = await startStandIn()
  const apiUrl = `http://127.0.0.1:${standIn.port}/v23.0`
  // As production runs it: no trace exporter, so no spans (runtimes/composition/TracingLive.ts).
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      WhatsAppCloud.layer({
        apiUrl,
        numberId,
        apiKey: Redacted.make("bench-token"),
        // Meta's pacing lifted, as in the whole-bot bench's goal 1; the recipients' pacing still runs.
        throughputPerSecond: 100_000,
        recipientBurst: 12,
        recipientInterval: Duration.millis(1),
        retryBase: Duration.millis(500),
        retryAttempts: 6,
        pairBackoffBase: Duration.seconds(2),
        pairRetryAttempts: 5,
        requestTimeout: Duration.seconds(15)
      }).pipe(Layer.provide(InMemoryRateBudgets)),
      Layer.setTracerEnabled(false)
    ).pipe(Layer.provideMerge(WhatsAppCloudHttpClient))
  )
  const { client, messenger } = await runtime.runPromise(Effect.all({ client: HttpClient.HttpClient, messenger: Messenger }))
  const run = <A, E>(effect: Effect.Effect<A, E>) => runtime.runPromise(effect)

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const plainPost = (path: string, body: string) =>
    new Promise<unknown>((resolve, reject) => {
      const request = httpRequest(
        {
          agent,
          host: "127.0.0.1",
          port: standIn.port,
          method: "POST",
          path,
          headers: { authorization: "Bearer bench-token", "content-type": "application/json", "content-length": Buffer.byteLength(body) }
        },
        (response) => {
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
          response.on("error", reject)
        }
      )
      request.on("error", reject)
      request.end(body)
    })
  const messagesPath = `/v23.0/${numberId}/messages`
  // undici's own client, as the HttpClient's layer makes it, without Effect around it.
  const dispatcher = new Undici.Agent()
  const origin = `http://127.0.0.1:${standIn.port}`
  const messagesUrl = `${apiUrl}/${numberId}/messages`

  const allSides: ReadonlyArray<readonly [string, (i: number) => Promise<unknown>]> = [
    ["node:http, POST a list", () => plainPost(messagesPath, listWireBody)],
    [
      "undici, POST a list",
      () =>
        dispatcher
          .request({ origin, path: messagesPath, method: "POST", headers: { authorization: "Bearer bench-token", "content-type": "application/json" }, body: listWireBody })
          .then((response) => response.body.json())
    ],
    [
      "HttpClient (undici), POST a list",
      () =>
        run(
          Effect.flatMap(
            client.execute(
              HttpClientRequest.post(messagesUrl).pipe(
                HttpClientRequest.bearerToken("bench-token"),
                HttpClientRequest.bodyText(listWireBody, "application/json")
              )
            ),
            (response) => response.json
          )
        )
    ],
    ["adapter, read receipt", (i) => run(messenger.markRead(WhatsAppMessageId.make(`wamid.bench.${i}`)))],
    ["adapter, send a text", (i) => run(messenger.send({ waId: waId(i) }, text))],
    [
      "adapter, send a list",
      (i) => run(messenger.send({ waId: waId(i) }, list, { callbackData: `0b5c6a9e-4f0e-4c55-9a55-2f1a4e1b9c11/${i}` }))
    ]
  ]

  // SEND_BENCH_ONLY=send keeps the sides whose name contains it (for a profile), the three baselines always.
  const only = process.env.SEND_BENCH_ONLY
  const sides = allSides.filter(([side], index) => index < 3 || only === undefined || side.includes(only))

  // A warm-up pass of every side: the JIT, the connections.
  for (const [side, one] of sides) await measure(side, one)
  const samples: Array<Sample> = []
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const [side, one] = sides[(round + k) % sides.length]!
      samples.push(await measure(side, one))
    }
  }
  await runtime.dispose()
  agent.destroy()
  await dispatcher.close()
  standIn.stop()

  const time = new Date().toISOString().slice(11, 19)
  console.log(
    `${time} UTC, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}; ${calls} calls per side, ${concurrency} at once, ${rounds} rounds (median; min-max)`
  )
  console.log("| side | CPU ms per call | calls/s |\n|---|---:|---:|")
  const medians = new Map<string, number>()
  for (const [side] of sides) {
    const mine = samples.filter((sample) => sample.side === side)
    const cpu = mine.map((sample) => sample.cpuMs)
    medians.set(side, median(cpu))
    const perSecond = median(mine.map((sample) => (calls / sample.wallMs) * 1000))
    console.log(
      `| ${side} | ${median(cpu).toFixed(3)} (${Math.min(...cpu).toFixed(3)}-${Math.max(...cpu).toFixed(3)}) | ${Math.round(perSecond)} |`
    )
  }
  const plain = medians.get(sides[0]![0])!
  const effectClient = medians.get(sides[2]![0])!
  for (const [side] of sides.slice(3)) {
    const cpu = medians.get(side)!
    console.log(`${side}: ${(cpu - effectClient).toFixed(3)} ms over the HttpClient, ${(cpu - plain).toFixed(3)} over node:http`)
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
