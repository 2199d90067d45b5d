/**
 * Webhook ingest benchmark: signed WhatsApp webhooks, each with its own message id, from a few
 * senders, to the bot's real HTTP server on the real Postgres, against a minimal node:http + pg
 * baseline doing the same work, in the same run, interleaved. See bench/README.md, "Ingest".
 *
 *   npx tsx bench/ingest/run.ts   (INGEST_BENCH_ROUNDS=3, INGEST_BENCH_SECONDS=10 by default)
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import autocannon from "autocannon"
import pg from "pg"
import { cpuMillis, freePort, loadAverage, peakRssMb, startProcess, stopProcess, waitForOk } from "./processes.js"
import { pacedLoad, type PacedResult } from "./pacedLoad.js"
import { appSecret, benchMessageIdPrefix, senderNumber, signedWebhook } from "./webhook.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const rounds = Number(process.env.INGEST_BENCH_ROUNDS ?? 3)
const seconds = Number(process.env.INGEST_BENCH_SECONDS ?? 10)
const connections = 20
const warmupSeconds = 2
const senders = 10
const fixedRate = 200
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

// Benchmarks create and drop schemas: only in a database that is plainly a test one.
if (!new URL(databaseUrl).pathname.toLowerCase().includes("test")) {
  throw new Error(`Refusing to benchmark on ${new URL(databaseUrl).pathname}: its name must contain "test"`)
}

// Both sides run as JavaScript under plain node, as in production: the tsx loader would add tens
// of MB of resident memory and its transform time to ours only, since ours loads far more modules.
const outDir = join(root, "node_modules/.cache/ingest-bench")
const compileStarted = performance.now()
execFileSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    ...["--outDir", outDir, "--rootDir", root, "--module", "nodenext", "--moduleResolution", "nodenext"],
    ...["--target", "es2022", "--skipLibCheck", "--types", "node", "--strict"],
    join(root, "runtimes/http-server/main.ts"),
    join(root, "bench/ingest/baseline-server.ts"),
    join(root, "bench/ingest/modules.d.ts")
  ],
  { stdio: "inherit" }
)
console.log(`compiled both servers in ${((performance.now() - compileStarted) / 1000).toFixed(1)} s`)

/**
 * ours: the standalone composition as the message service runs in production (SERVICES=message):
 * webhook, conversation workers and outbox relay, over the in-process fakes of WhatsApp, Astria
 * and payments. ours-no-workers: the same process with SERVICES=payment, whose routes are the same
 * (they are not gated by service) but whose conversation workers are off (its training consumer
 * idles without payments): the HTTP path alone. baseline: the hand-written node:http + pg server.
 */
const sides = ["ours", "ours-no-workers", "baseline"] as const
type Side = (typeof sides)[number]
const servicesOf = { ours: "message", "ours-no-workers": "payment" } as const

/** What one load run measured, whichever generator ran it. */
interface Measured {
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly ok: number
  readonly failed: number
  readonly sent: number
  readonly completed: number
}

/** One side under one load: what was measured, warm-up included in the counts, and what was stored. */
interface Phase extends Omit<Measured, "completed"> {
  readonly side: Side
  /** The interleaved round at full load, or undefined for the fixed rate. */
  readonly round: number | undefined
  readonly rate: number | undefined
  readonly stored: number
  readonly outbox: number
  readonly peakRssMb: number
  readonly cpuMsPerRequest: number
}

const fromAutocannon = (result: Awaited<ReturnType<typeof autocannon>>): Measured => ({
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  ok: result["2xx"],
  failed: result.non2xx + result.errors,
  sent: result.requests.sent,
  completed: result.requests.total
})

const fromPaced = (result: PacedResult): Measured => ({
  requestsPerSecond: result.requestsPerSecond,
  p50: result.p50,
  p99: result.p99,
  ok: result.ok,
  failed: result.failed,
  sent: result.sent,
  completed: result.ok + result.failed
})

const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const logDir = mkdtempSync(join(tmpdir(), "ingest-bench-"))
let phaseNumber = 0

const countOf = async (query: string): Promise<number> => {
  const { rows } = await admin.query(query)
  return Number(rows[0]?.n)
}

const postJson = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) })
  if (!response.ok) throw new Error(`${url} answered ${response.status}`)
}

/**
 * Each sender writes once through the fake WhatsApp's simulator first, as people who chat have:
 * their 24-hour window is open, so the bot's replies are delivered. (Webhooks posted straight to
 * the bot bypass the fake, which would otherwise refuse every reply for the window.)
 */
const openWindows = async (base: string) => {
  for (let sender = 0; sender < senders; sender++) {
    const phone = senderNumber(sender)
    await postJson(`${base}/simulator/api/people`, { phone, name: `Bench ${sender}` })
    await postJson(`${base}/simulator/api/text`, { phone, text: "hi" })
  }
}

const runPhase = async (side: Side, rate: number | undefined, round?: number): Promise<Phase> => {
  phaseNumber += 1
  const run = `${Date.now().toString(36)}_${phaseNumber}`
  // Named like the test schemas (t_<label>_<base36 time>_<n>), so a killed run's are swept too.
  const schema = `t_bench_ingest_${run}`
  await admin.query(`CREATE SCHEMA ${schema}`)
  const url = new URL(databaseUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATABASE_URL: url.toString() }
  // Each side in its own process; cwd is empty so that no .env is read.
  const log = join(logDir, `${run}-${side}.log`)
  const child =
    side === "baseline"
      ? startProcess(process.execPath, [join(outDir, "bench/ingest/baseline-server.js")], { ...env, WHATSAPP_APP_SECRET: appSecret }, logDir, log)
      : startProcess(process.execPath, [join(outDir, "runtimes/http-server/main.js")], { ...env, SERVICES: servicesOf[side] }, logDir, log)
  let stopped = false
  try {
    const base = `http://127.0.0.1:${port}`
    await waitForOk(`${base}/${side === "baseline" ? "health" : "ready"}`, child, 90_000)
    if (side !== "baseline") await openWindows(base)
    let sequence = 0
    const nextWebhook = () => {
      const { body, signature } = signedWebhook(run, sequence++, senders)
      return { body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } }
    }
    // At full load, autocannon's closed loop; at a fixed rate, evenly paced requests (see pacedLoad).
    const load = (duration: number): Promise<Measured> =>
      rate === undefined
        ? autocannon({
            url: `${base}/SmsReceived`,
            connections,
            duration,
            requests: [{ method: "POST", setupRequest: (request) => ({ ...request, ...nextWebhook() }) }]
          }).then(fromAutocannon)
        : pacedLoad(new URL(`${base}/SmsReceived`), rate, duration, nextWebhook).then(fromPaced)
    const warmup = await load(warmupSeconds)
    const pid = child.pid ?? 0
    const cpuBefore = cpuMillis(pid)
    const result = await load(seconds)
    const cpu = cpuMillis(pid) - cpuBefore
    const peak = peakRssMb(pid)
    // Counted once the server is stopped, so that no transaction is still in flight.
    await stopProcess(child)
    stopped = true
    // Only the bench's own messages: not the senders' first ones through the simulator.
    const stored = await countOf(`SELECT count(*)::int AS n FROM ${schema}.inbound_messages WHERE wamid LIKE '${benchMessageIdPrefix}%'`)
    const outbox = await countOf(
      `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE event_type = 'UserMessageReceivedEvent' AND body LIKE '%${benchMessageIdPrefix}%'`
    )
    return {
      side,
      round,
      rate,
      requestsPerSecond: result.requestsPerSecond,
      p50: result.p50,
      p99: result.p99,
      ok: warmup.ok + result.ok,
      failed: warmup.failed + result.failed,
      sent: warmup.sent + result.sent,
      stored,
      outbox,
      peakRssMb: peak,
      cpuMsPerRequest: cpu / Math.max(1, result.completed)
    }
  } finally {
    if (!stopped) await stopProcess(child)
    await admin.query(`DROP SCHEMA ${schema} CASCADE`)
  }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

const machine = `${cpus()[0]?.model ?? "cpu"} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}`
console.log(`Ingest: ${machine}; ${connections} connections, ${seconds} s (after ${warmupSeconds} s warm-up), ${senders} senders, ${rounds} interleaved rounds`)
console.log(`load average before: ${loadAverage()}`)

const phases: Array<Phase> = []
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so that neither always meets the other's leftovers.
    const order = round % 2 === 0 ? sides : [...sides].reverse()
    for (const side of order) phases.push(await runPhase(side, undefined, round))
  }
  for (const side of sides) phases.push(await runPhase(side, fixedRate))
} finally {
  await admin.end()
}
console.log(`load average after: ${loadAverage()}; server logs in ${logDir}\n`)

const mb = (value: number) => value.toFixed(0)
const ms = (value: number) => value.toFixed(1)
console.log("| side | load | req/s | p50 ms | p99 ms | 2xx | failed | sent | stored inbound | stored outbox | CPU ms/req | peak RSS MB |")
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (const phase of phases) {
  const load = phase.rate === undefined ? `${connections} conn` : `${phase.rate} req/s`
  console.log(
    `| ${phase.side} | ${load} | ${phase.requestsPerSecond.toFixed(0)} | ${ms(phase.p50)} | ${ms(phase.p99)} | ${phase.ok} | ${phase.failed} | ${phase.sent} | ${phase.stored} | ${phase.outbox} | ${phase.cpuMsPerRequest.toFixed(2)} | ${mb(phase.peakRssMb)} |`
  )
}

// Every 2xx must be stored with its outbox event; rows beyond the 2xx are requests still in flight
// when the load generator stopped (stored, their answer not counted), never more than were sent.
const unproven = phases.filter((phase) => phase.stored < phase.ok || phase.outbox !== phase.stored || phase.stored > phase.sent)
const closed = phases.filter((phase) => phase.rate === undefined)
const throughputIn = (side: Side, round: number) =>
  closed.find((phase) => phase.side === side && phase.round === round)?.requestsPerSecond ?? Number.NaN
const throughput = (side: Side) => median(closed.filter((phase) => phase.side === side).map((phase) => phase.requestsPerSecond))
// The 0.8 target is for the same work as the baseline; the whole bot also decides and answers.
const verdictOf = (side: Side, ratio: number) =>
  side === "ours-no-workers"
    ? `(target >= 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`
    : "(no target: it also decides and answers every message, which the baseline does not)"
console.log("")
for (const side of ["ours", "ours-no-workers"] as const) {
  // Each round runs both sides within a minute of each other; on a shared machine whose speed
  // drifts over minutes, the median of these paired ratios is steadier than a ratio of medians.
  const ratios = Array.from({ length: rounds }, (_, round) => throughputIn(side, round) / throughputIn("baseline", round))
  const ratio = median(ratios)
  console.log(
    `throughput: ${side} median ${throughput(side).toFixed(0)} req/s, baseline ${throughput("baseline").toFixed(0)} req/s; ratio per round ${ratios.map((r) => r.toFixed(2)).join(", ")}, median ${ratio.toFixed(2)} ${verdictOf(side, ratio)}`
  )
  const fixed = phases.find((phase) => phase.side === side && phase.rate !== undefined)
  if (fixed !== undefined) {
    const kept = fixed.requestsPerSecond >= fixedRate * 0.95
    console.log(`${side} at ${fixedRate} req/s: ${fixed.requestsPerSecond.toFixed(0)} req/s kept, p99 ${ms(fixed.p99)} ms (target < 50 ms: ${fixed.p99 < 50 && kept ? "met" : "NOT met"})`)
  }
}
console.log(unproven.length === 0 ? "every 2xx stored with its outbox event: yes" : `NOT every 2xx stored: ${unproven.map((phase) => phase.side).join(", ")}`)
if (unproven.length > 0) process.exitCode = 1
