/**
 * Whole-bot benchmark (issue #24, goals 1 and 2): the bot as operators run it, every service in one
 * process, its real WhatsApp adapter sending to a bare Graph API stand-in in another process, new
 * people writing signed webhooks; against a bare node:http + pg baseline doing the same work per
 * message, in the same run, in alternating rounds. See bench/README.md, "Whole bot".
 *
 *   npx tsx bench/whole-bot/run.ts   (knobs: BENCH_* variables, listed in bench/README.md)
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, openSync, readdirSync } from "node:fs"
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { bundle } from "../../deploy/bundle.js"
import { cpuMillis, freePort, loadAverage, peakRssMb, stopProcess, waitForOk } from "../ingest/processes.js"
import { appSecret } from "../ingest/webhook.js"
import type { StandInReport } from "./graph-stand-in.js"
import { burstOfFirstMessages, conversations, steadyMessages, Traffic, wallNow, type Answer, type WebhookSample } from "./load.js"
import { numberId } from "./people.js"
import { summarizeProfile } from "./profile.js"
import { countStatements, type StatementCounter } from "./statementCounter.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const rounds = knob("BENCH_ROUNDS", 3)
const peopleAtOnce = knob("BENCH_PEOPLE_AT_ONCE", 500)
const warmupSeconds = knob("BENCH_WARMUP_SECONDS", 4)
const seconds = knob("BENCH_SECONDS", 10)
const fixedRate = knob("BENCH_FIXED_RATE", 200)
const fixedSeconds = knob("BENCH_FIXED_SECONDS", 15)
const pacedRate = knob("BENCH_PACED_RATE", 30)
const pacedSeconds = knob("BENCH_PACED_SECONDS", 20)
const burstMessages = knob("BENCH_BURST_MESSAGES", 20_000)
const burstConnections = knob("BENCH_BURST_CONNECTIONS", 32)
const burstMaxSeconds = knob("BENCH_BURST_MAX_SECONDS", 90)
const outboundQueueTarget = knob("BENCH_OUTBOUND_QUEUE", 20_000)
const backlogSeconds = knob("BENCH_BACKLOG_SECONDS", 10)
const liftedThroughput = knob("BENCH_LIFTED_THROUGHPUT", 100_000)
const phasesWanted = new Set((process.env.BENCH_PHASES ?? "rounds,fixed,paced,burst,profile").split(",").map((phase) => phase.trim()))
const answerTimeoutMillis = 30_000
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

// Benchmarks create and drop schemas: only in a database that is plainly a test one.
if (!new URL(databaseUrl).pathname.toLowerCase().includes("test")) {
  throw new Error(`Refusing to benchmark on ${new URL(databaseUrl).pathname}: its name must contain "test"`)
}

// The bot as the Dockerfile runs it: one file by deploy/bundle.ts, with the build's own options,
// under plain node. The baseline and the stand-in go through the same bundler, so no side pays
// for a TypeScript loader.
const outDir = join(root, "node_modules/.cache/whole-bot-bench")
mkdirSync(outDir, { recursive: true })
const built = performance.now()
await bundle(
  {
    "http-server": join(root, "runtimes/http-server/main.ts"),
    "baseline-bot": join(root, "bench/whole-bot/baseline-bot.ts"),
    "graph-stand-in": join(root, "bench/whole-bot/graph-stand-in.ts")
  },
  outDir
)
console.log(`bundled in ${((performance.now() - built) / 1000).toFixed(1)} s`)

const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const logDir = mkdtempSync(join(tmpdir(), "whole-bot-bench-"))
const children = new Set<ChildProcess>()
const schemas = new Set<string>()
let made = 0

/** Stops every child this script started and drops its schemas; on failure and on Ctrl-C too. */
const cleanUp = async () => {
  await Promise.all([...children].map(stopProcess))
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
  schemas.clear()
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the servers and dropping their schemas`)
    void cleanUp().finally(() => {
      console.error("cleaned up")
      process.exit(130)
    })
  })
}

const spawnChild = (script: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv, label: string, ipc: boolean) => {
  const log = openSync(join(logDir, `${label}.log`), "w")
  // cwd is the empty log directory, so that no .env is read.
  const child = spawn(process.execPath, [...args, join(outDir, script)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd: logDir,
    stdio: ipc ? ["ignore", log, log, "ipc"] : ["ignore", log, log]
  })
  children.add(child)
  child.once("exit", () => children.delete(child))
  return child
}

type Side = "bot" | "baseline"

interface Running {
  readonly side: Side
  readonly label: string
  readonly base: string
  readonly pid: number
  readonly standInPid: number
  readonly traffic: Traffic
  readonly schemaUrl: string
  readonly reads: () => number
  /** Connections the server opened to the stand-in so far. */
  readonly connections: () => number
}

/**
 * One server on a fresh schema with its own Graph API stand-in, both in their own processes;
 * `work` runs against it, then both are stopped and the schema dropped, whatever happens.
 */
const withServer = async <A>(
  side: Side,
  label: string,
  options: { readonly pacing: "lifted" | "meta"; readonly profileDir?: string; readonly countStatements?: boolean },
  work: (running: Running) => Promise<A>
): Promise<A> => {
  made += 1
  // Named like the test schemas (t_<label>_<base36 time>_<n>), so that the tests' sweep removes a killed run's.
  const schema = `t_bench_wholebot_${Date.now().toString(36)}_${made}`
  await admin.query(`CREATE SCHEMA ${schema}`)
  schemas.add(schema)
  const url = new URL(databaseUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  const schemaUrl = url.toString()
  let counter: StatementCounter | undefined
  if (options.countStatements === true) {
    counter = await countStatements({ host: url.hostname, port: Number(url.port === "" ? 5432 : url.port) })
    url.hostname = "127.0.0.1"
    url.port = String(counter.port)
  }
  const standInPort = await freePort()
  const standIn = spawnChild("graph-stand-in.mjs", [], { PORT: String(standInPort) }, `${label}-stand-in`, true)
  let reads = 0
  let unknown = 0
  let connections = 0
  let traffic: Traffic | undefined
  standIn.on("message", (message: StandInReport | { readonly listening: number }) => {
    if ("listening" in message) return
    reads += message.reads
    unknown += message.unknown
    connections += message.connections
    traffic?.onReplies(message.replies)
  })
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    PORT: String(port),
    DATABASE_URL: url.toString(),
    WHATSAPP_API_URL: `http://127.0.0.1:${standInPort}/v23.0`,
    WHATSAPP_API_KEY: "bench-token",
    WHATSAPP_NUMBER_ID: numberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: "bench-verify-token",
    ...(options.pacing === "lifted" ? { WHATSAPP_THROUGHPUT_PER_SECOND: String(liftedThroughput) } : {})
  }
  const server =
    side === "baseline"
      ? spawnChild("baseline-bot.mjs", [], env, label, false)
      : spawnChild(
          "http-server.mjs",
          options.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", options.profileDir],
          // Every service (SERVICES unset), development mode, fakes for what has no credentials here.
          { ...env, FAKES: "astria,payments" },
          label,
          false
        )
  try {
    const base = `http://127.0.0.1:${port}`
    await waitForOk(`${base}/ready`, server, 120_000)
    await settle(server.pid ?? 0)
    traffic = new Traffic(new URL(`${base}/SmsReceived`), side === "bot", Math.max(peopleAtOnce, burstConnections, 64))
    const result = await work({
      side,
      label,
      base,
      pid: server.pid ?? 0,
      standInPid: standIn.pid ?? 0,
      traffic,
      schemaUrl,
      reads: () => reads,
      connections: () => connections
    })
    if (unknown > 0) console.log(`  (${label}: the stand-in refused ${unknown} calls it does not stand in for)`)
    return result
  } finally {
    traffic?.close()
    await stopProcess(server)
    await stopProcess(standIn)
    if (counter !== undefined) {
      await counter.stop()
      statementCounts.set(label, { counts: counter.counts(), answers: traffic?.answers.length ?? 0 })
    }
    if (traffic !== undefined) {
      const answers = traffic.answers.length
      await tableWorkOf(schema).then(
        (work) => tableWork.set(label, { work, answers }),
        () => undefined
      )
    }
    await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    schemas.delete(schema)
  }
}

/** What the server asked of Postgres over its life, by table (read once it has stopped, so that its backends have reported). */
interface TableWork {
  readonly scans: number
  readonly inserted: number
  readonly updated: number
  readonly deleted: number
  readonly busiest: ReadonlyArray<{ readonly table: string; readonly scans: number; readonly written: number }>
}
const tableWork = new Map<string, { readonly work: TableWork; readonly answers: number }>()

const tableWorkOf = async (schema: string): Promise<TableWork> => {
  const { rows } = await admin.query(
    `SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans, n_tup_ins, n_tup_upd, n_tup_del
     FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema]
  )
  const tables = rows.map((row) => ({
    table: String(row.relname),
    scans: Number(row.scans),
    inserted: Number(row.n_tup_ins),
    updated: Number(row.n_tup_upd),
    deleted: Number(row.n_tup_del)
  }))
  const sum = (pick: (table: (typeof tables)[number]) => number) => tables.reduce((total, table) => total + pick(table), 0)
  return {
    scans: sum((table) => table.scans),
    inserted: sum((table) => table.inserted),
    updated: sum((table) => table.updated),
    deleted: sum((table) => table.deleted),
    busiest: tables
      .map((table) => ({ table: table.table, scans: table.scans, written: table.inserted + table.updated + table.deleted }))
      .sort((a, b) => b.scans + b.written - (a.scans + a.written))
      .slice(0, 5)
  }
}

const statementCounts = new Map<string, { readonly counts: ReadonlyMap<string, number>; readonly answers: number }>()

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/**
 * Waits until a server that answered /ready has done its start-up work (the bot syncs its pack
 * catalogue and uploads previews and example photos after it listens, a few seconds of CPU on a
 * busy machine): until it uses less than half a core over half a second, for at most 20 s.
 */
const settle = async (pid: number) => {
  const until = wallNow() + 20_000
  for (;;) {
    const before = cpuMillis(pid)
    await sleep(500)
    if (cpuMillis(pid) - before < 250 || wallNow() > until) return
  }
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - wallNow())))

const percentile = (values: ReadonlyArray<number>, fraction: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN)
}
const median = (values: ReadonlyArray<number>) => percentile(values, 0.5)
const within = <T extends { readonly at: number }>(items: ReadonlyArray<T>, from: number, to: number) => items.filter((item) => item.at >= from && item.at < to)
const sentWithin = (items: ReadonlyArray<WebhookSample>, from: number, to: number) => items.filter((item) => item.sentAt >= from && item.sentAt < to)
const latencies = (samples: ReadonlyArray<WebhookSample>) => samples.filter((sample) => sample.ok).map((sample) => sample.ms)
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-")

/** What the bot's /metrics says of the recipient pacing: sends that waited, and seconds waited. */
const pacingWaits = async (base: string): Promise<string> => {
  const text = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.text(),
    () => ""
  )
  const value = (name: string) => /^(\S+)\s+([\d.e+-]+)$/m.exec(text.split("\n").filter((line) => line.startsWith(name)).join("\n"))?.[2] ?? "0"
  return `${value("bot_pacing_waits_total")} sends waited ${fixed(Number(value("bot_pacing_wait_seconds_total")), 2)} s`
}

interface RoundResult {
  readonly side: Side
  readonly round: number
  readonly answeredPerSecond: number
  readonly answered: number
  readonly backlog: number
  readonly cpuMsPerAnswer: number
  readonly standInCpuMsPerAnswer: number
  readonly webhookP50: number
  readonly webhookP99: number
  readonly replyP50: number
  readonly replyP99: number
  readonly failed: number
  readonly gaveUp: number
  readonly peakRssMb: number
  readonly note: string
}

/** Goal 1: `peopleAtOnce` new people conversing with lifted pacing; answers counted over the steady window. */
const conversationRound = (side: Side, round: number, profileDir?: string, countStatements = false): Promise<RoundResult> =>
  withServer(side, `round${round}-${side}${profileDir === undefined ? "" : "-profiled"}`, { pacing: "lifted", countStatements, ...(profileDir === undefined ? {} : { profileDir }) }, async (running) => {
    const started = wallNow()
    const windowStart = started + warmupSeconds * 1000
    const windowEnd = windowStart + seconds * 1000
    let cpuAtStart = 0
    let standInCpuAtStart = 0
    let cpuAtEnd = 0
    let standInCpuAtEnd = 0
    let backlogAtEnd = 0
    const marks = (async () => {
      await sleepUntil(windowStart)
      cpuAtStart = cpuMillis(running.pid)
      standInCpuAtStart = cpuMillis(running.standInPid)
      await sleepUntil(windowEnd)
      cpuAtEnd = cpuMillis(running.pid)
      standInCpuAtEnd = cpuMillis(running.standInPid)
      backlogAtEnd = running.traffic.backlog()
    })()
    const { gaveUp } = await conversations(running.traffic, peopleAtOnce, 0, windowEnd, answerTimeoutMillis)
    await marks
    const answers: ReadonlyArray<Answer> = within(running.traffic.answers, windowStart, windowEnd)
    const webhooks = sentWithin(running.traffic.webhooks, windowStart, windowEnd)
    const note = running.side === "bot" ? `pacing: ${await pacingWaits(running.base)}; unexpected replies ${running.traffic.unexpected}, stray ${running.traffic.stray}` : `stray replies ${running.traffic.stray}`
    const calls = `; ${running.connections()} connections to the stand-in`
    return {
      side,
      round,
      answered: answers.length,
      answeredPerSecond: answers.length / seconds,
      backlog: backlogAtEnd,
      cpuMsPerAnswer: (cpuAtEnd - cpuAtStart) / Math.max(1, answers.length),
      standInCpuMsPerAnswer: (standInCpuAtEnd - standInCpuAtStart) / Math.max(1, answers.length),
      webhookP50: percentile(latencies(webhooks), 0.5),
      webhookP99: percentile(latencies(webhooks), 0.99),
      replyP50: percentile(answers.map((answer) => answer.ms), 0.5),
      replyP99: percentile(answers.map((answer) => answer.ms), 0.99),
      failed: webhooks.filter((sample) => !sample.ok).length,
      gaveUp,
      peakRssMb: peakRssMb(running.pid),
      note: note + calls
    }
  })

interface SteadyResult {
  readonly label: string
  readonly first10P50: number
  readonly first10P99: number
  readonly allP50: number
  readonly allP99: number
  readonly max: number
  readonly sent: number
  readonly failed: number
  readonly answeredPerSecond: number
  readonly backlogAtEnd: number
  readonly replyP50: number
  readonly replyP99: number
  readonly cpuMsPerMessage: number
}

/** Webhooks at a steady rate for `duration` s on a running server: their latency, first 10 s apart, no warm-up excluded. */
const steady = async (running: Running, label: string, rate: number, duration: number, firstPerson: number): Promise<SteadyResult & { readonly nextPerson: number }> => {
  const webhooksBefore = running.traffic.webhooks.length
  const answersBefore = running.traffic.answers.length
  const cpuBefore = cpuMillis(running.pid)
  const started = wallNow()
  const nextPerson = await steadyMessages(running.traffic, rate, duration, firstPerson)
  const ended = wallNow()
  const cpu = cpuMillis(running.pid) - cpuBefore
  const webhooks = running.traffic.webhooks.slice(webhooksBefore)
  const answers = running.traffic.answers.slice(answersBefore)
  const first10 = sentWithin(webhooks, started, started + 10_000)
  const answeredInRun = within(answers, started, ended)
  return {
    label,
    nextPerson,
    first10P50: percentile(latencies(first10), 0.5),
    first10P99: percentile(latencies(first10), 0.99),
    allP50: percentile(latencies(webhooks), 0.5),
    allP99: percentile(latencies(webhooks), 0.99),
    max: percentile(latencies(webhooks), 1),
    sent: webhooks.length,
    failed: webhooks.filter((sample) => !sample.ok).length,
    answeredPerSecond: answeredInRun.length / ((ended - started) / 1000),
    backlogAtEnd: running.traffic.backlog(),
    replyP50: percentile(answers.map((answer) => answer.ms), 0.5),
    replyP99: percentile(answers.map((answer) => answer.ms), 0.99),
    cpuMsPerMessage: cpu / Math.max(1, webhooks.length)
  }
}

/** Goal 1's fixed rate on a fresh server of each side: the webhook's latency from the first second. */
const fixedRatePhase = (side: Side) =>
  withServer(side, `fixed-${side}`, { pacing: "lifted" }, (running) => steady(running, `${side}, pacing lifted`, fixedRate, fixedSeconds, 0))

interface DatabaseProbe {
  readonly stop: () => Promise<{ readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number }>
}

/** `SELECT 1` every 100 ms on a connection of its own: how long the database takes to answer anyone else. */
const probeDatabase = (schemaUrl: string): DatabaseProbe => {
  const client = new pg.Pool({ connectionString: schemaUrl, max: 1 })
  const times: Array<number> = []
  let running = true
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      await client.query("SELECT 1")
      times.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      await client.end()
      return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: percentile(times, 1), samples: times.length }
    }
  }
}

const queued = async (schemaUrl: string) => {
  const client = new pg.Pool({ connectionString: schemaUrl, max: 1 })
  try {
    const outbound = await client.query(`SELECT count(*)::int AS n FROM outbound_messages WHERE status = 'pending'`)
    const events = await client.query(`SELECT count(*)::int AS n FROM event_deliveries WHERE state = 'queued'`)
    return { outbound: Number(outbound.rows[0]?.n), events: Number(events.rows[0]?.n) }
  } finally {
    await client.end()
  }
}

/** Goal 2, the bot with Meta's pacing on: its idle CPU, then time to first reply at 30 messages/s. */
const pacedPhase = () =>
  withServer("bot", "paced-bot", { pacing: "meta" }, async (running) => {
    // What the bot spends with nobody writing (its polling workers, relay, timers), to read the
    // CPU per message at low rates against.
    const idleSeconds = 5
    const idleCpu = cpuMillis(running.pid)
    await sleep(idleSeconds * 1000)
    const idle = (cpuMillis(running.pid) - idleCpu) / idleSeconds
    const answersBefore = running.traffic.answers.length
    const paced = await steady(running, `bot, Meta's pacing, ${pacedRate} msg/s`, pacedRate, pacedSeconds, 0)
    // The percentiles count every message sent: those still unanswered after another 30 s as
    // slower than any answer, rather than leaving the slowest out.
    const waitUntil = wallNow() + 30_000
    while (running.traffic.backlog() > 0 && wallNow() < waitUntil) await sleep(100)
    const unanswered = running.traffic.backlog()
    const replyMillis = [...running.traffic.answers.slice(answersBefore).map((answer) => answer.ms), ...Array.from({ length: unanswered }, () => Number.POSITIVE_INFINITY)]
    const p50 = percentile(replyMillis, 0.5)
    const p99 = percentile(replyMillis, 0.99)
    const shown = (value: number) => (Number.isFinite(value) ? `${fixed(value, 0)} ms` : "unanswered")
    return {
      lines: [
        `idle: ${fixed(idle, 0)} ms of CPU per second with nobody writing (over ${idleSeconds} s once its start-up work was done)`,
        `${pacedRate} messages/s for ${pacedSeconds} s with Meta's pacing (80 calls/s, 2 calls per message): time to first reply p50 ${shown(p50)}, p99 ${shown(p99)} (target p99 < 100 ms: ${p99 < 100 ? "met" : "NOT met"}), ${unanswered} of ${replyMillis.length} unanswered 30 s after the last; answered ${fixed(paced.answeredPerSecond)}/s during the phase; webhook p99 ${fixed(paced.allP99)} ms; ${fixed(paced.cpuMsPerMessage, 2)} CPU ms per message`
      ],
      steadies: [paced]
    }
  })

/**
 * Goal 2's burst, on a fresh bot with Meta's pacing on: ingest at 200 webhooks/s from an empty
 * queue, then a burst beyond Meta's throughput, then 200 webhooks/s again with that queue behind;
 * the webhook's latency and the database's, as another client sees it, in both.
 */
const burstPhase = () =>
  withServer("bot", "burst-bot", { pacing: "meta" }, async (running) => {
    const lines: Array<string> = []
    const probeBefore = probeDatabase(running.schemaUrl)
    const before = await steady(running, `bot, Meta's pacing, ${fixedRate} req/s from an empty queue`, fixedRate, backlogSeconds, 0)
    const databaseBefore = await probeBefore.stop()
    const burstStarted = wallNow()
    const webhooksBefore = running.traffic.webhooks.length
    const afterBurst = await burstOfFirstMessages(running.traffic, burstMessages, burstConnections, before.nextPerson, burstStarted + burstMaxSeconds * 1000)
    const burstSeconds = (wallNow() - burstStarted) / 1000
    const burstWebhooks = running.traffic.webhooks.slice(webhooksBefore)
    const burstSent = burstWebhooks.length
    const inQueue = await queued(running.schemaUrl)
    lines.push(
      `burst: ${burstSent} new people's "hi"${burstSent < burstMessages ? ` (of ${burstMessages}: stopped after ${burstMaxSeconds} s)` : ""} at ${burstConnections} connections in ${fixed(burstSeconds)} s (${fixed(burstSent / burstSeconds, 0)} webhooks/s, ${burstWebhooks.filter((sample) => !sample.ok).length} failed, p99 ${fixed(percentile(latencies(burstWebhooks), 0.99))} ms); then queued: ${inQueue.outbound} outbound messages, ${inQueue.events} event deliveries`
    )
    // The outbound queue grows past Meta's pace only if the bot decides faster than 40 messages/s;
    // when it did not, it is topped up with copies of the bot's own replies to the burst's people,
    // queued as pending, so that ingest is measured behind a queue of that depth either way.
    const topUp = Math.max(0, outboundQueueTarget - inQueue.outbound)
    if (topUp > 0) {
      const schema = new URL(running.schemaUrl).searchParams.get("options")?.replace("-c search_path=", "") ?? ""
      await admin.query(
        `INSERT INTO ${schema}.outbound_messages (id, user_id, recipient, message, status, created_at, next_attempt_at)
         SELECT gen_random_uuid(), o.user_id, o.recipient, o.message, 'pending', now(), now()
         FROM ${schema}.outbound_messages o CROSS JOIN generate_series(1, $1::int)
         WHERE o.status IN ('sent', 'delivered', 'read') LIMIT $2`,
        [Math.ceil(topUp / Math.max(1, running.traffic.answers.length)), topUp]
      )
      const topped = await queued(running.schemaUrl)
      lines.push(`outbound queue topped up by ${topped.outbound - inQueue.outbound} copies of the bot's sent replies, queued as pending: ${topped.outbound} outbound messages queued`)
    }
    const probeDuring = probeDatabase(running.schemaUrl)
    const behind = await queued(running.schemaUrl)
    const during = await steady(running, `bot, Meta's pacing, ${fixedRate} req/s behind ${behind.outbound} outbound, ${behind.events} events queued`, fixedRate, backlogSeconds, afterBurst)
    const databaseDuring = await probeDuring.stop()
    const afterQueue = await queued(running.schemaUrl)
    lines.push(
      `ingest at ${fixedRate} req/s: webhook p50/p99 ${fixed(before.allP50)}/${fixed(before.allP99)} ms from an empty queue, ${fixed(during.allP50)}/${fixed(during.allP99)} ms behind ${behind.outbound} outbound and ${behind.events} events queued (p99 ratio ${fixed(during.allP99 / before.allP99, 2)}); failed ${before.failed} and ${during.failed}`
    )
    lines.push(
      `database (SELECT 1 every 100 ms on its own connection): p50/p99/max ${fixed(databaseBefore.p50, 2)}/${fixed(databaseBefore.p99, 2)}/${fixed(databaseBefore.max, 1)} ms from an empty queue, ${fixed(databaseDuring.p50, 2)}/${fixed(databaseDuring.p99, 2)}/${fixed(databaseDuring.max, 1)} ms behind the burst; queued after: ${afterQueue.outbound} outbound, ${afterQueue.events} event deliveries`
    )
    lines.push(`bot's peak RSS ${fixed(peakRssMb(running.pid), 0)} MB; replies seen ${running.traffic.answers.length}, read receipts ${running.reads()}`)
    return { lines, steadies: [before, during] }
  })

const machine = `${cpus()[0]?.model ?? "cpu"} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}`
console.log(
  `Whole bot: ${machine}; ${peopleAtOnce} people at once, ${seconds} s window after ${warmupSeconds} s, ${rounds} alternating rounds; phases ${[...phasesWanted].join(", ")}`
)
console.log(`load average before: ${loadAverage()}`)
const parentCpuStarted = process.cpuUsage()

const results: Array<RoundResult> = []
const steadies: Array<SteadyResult> = []
const goal2: Array<string> = []
let profileLines: Array<string> = []
try {
  if (phasesWanted.has("rounds")) {
    for (let round = 0; round < rounds; round++) {
      const order: ReadonlyArray<Side> = round % 2 === 0 ? ["bot", "baseline"] : ["baseline", "bot"]
      for (const side of order) {
        const result = await conversationRound(side, round)
        results.push(result)
        console.log(`  round ${round} ${side}: ${fixed(result.answeredPerSecond, 0)} answered/s, ${fixed(result.cpuMsPerAnswer, 2)} CPU ms each; load ${loadAverage()}`)
      }
    }
  }
  if (phasesWanted.has("fixed")) {
    for (const side of ["bot", "baseline"] as const) steadies.push(await fixedRatePhase(side))
  }
  if (phasesWanted.has("paced")) {
    const paced = await pacedPhase()
    goal2.push(...paced.lines)
    steadies.push(...paced.steadies)
  }
  if (phasesWanted.has("burst")) {
    const burst = await burstPhase()
    goal2.push(...burst.lines)
    steadies.push(...burst.steadies)
  }
  if (phasesWanted.has("profile")) {
    const profileDir = mkdtempSync(join(tmpdir(), "whole-bot-profile-"))
    const profiled = await conversationRound("bot", rounds, profileDir, true)
    const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"))
    profileLines =
      file === undefined
        ? ["no profile was written (the bot did not exit cleanly)"]
        : [`${fixed(profiled.answeredPerSecond, 0)} answered/s while profiled; ${join(profileDir, file)}`, ...summarizeProfile(join(profileDir, file), join(outDir, "http-server.mjs"), root)]
  }
} finally {
  await cleanUp()
  await admin.end()
}
const parentCpu = process.cpuUsage(parentCpuStarted)
console.log(`load average after: ${loadAverage()}; logs in ${logDir}; this script's own CPU ${fixed((parentCpu.user + parentCpu.system) / 1e6)} s\n`)

if (results.length > 0) {
  console.log(`Goal 1: ${peopleAtOnce} new people at once, each writing its next message once answered (so at most ${peopleAtOnce} unanswered); Meta's pacing lifted; ${seconds} s window`)
  console.log("| round | side | answered/s | unanswered at end | webhook p50 ms | p99 ms | reply p50 ms | p99 ms | CPU ms/answer | stand-in CPU ms/answer | peak RSS MB | failed | gave up | notes |")
  console.log("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
  for (const result of results) {
    console.log(
      `| ${result.round} | ${result.side} | ${fixed(result.answeredPerSecond, 0)} | ${result.backlog} | ${fixed(result.webhookP50)} | ${fixed(result.webhookP99)} | ${fixed(result.replyP50)} | ${fixed(result.replyP99)} | ${fixed(result.cpuMsPerAnswer, 2)} | ${fixed(result.standInCpuMsPerAnswer, 2)} | ${fixed(result.peakRssMb, 0)} | ${result.failed} | ${result.gaveUp} | ${result.note} |`
    )
  }
  const of = (side: Side, round: number) => results.find((result) => result.side === side && result.round === round)
  // Each round runs both sides within a minute: on a shared machine whose speed drifts over minutes,
  // the median of these paired ratios is steadier than a ratio of medians.
  const ratios = Array.from({ length: rounds }, (_, round) => (of("bot", round)?.answeredPerSecond ?? Number.NaN) / (of("baseline", round)?.answeredPerSecond ?? Number.NaN))
  const ratio = median(ratios)
  const botCpu = median(results.filter((result) => result.side === "bot").map((result) => result.cpuMsPerAnswer))
  const baselineCpu = median(results.filter((result) => result.side === "baseline").map((result) => result.cpuMsPerAnswer))
  console.log(
    `answered/s: bot median ${fixed(median(results.filter((r) => r.side === "bot").map((r) => r.answeredPerSecond)), 0)}, baseline ${fixed(median(results.filter((r) => r.side === "baseline").map((r) => r.answeredPerSecond)), 0)}; ratio per round ${ratios.map((value) => fixed(value, 2)).join(", ")}, median ${fixed(ratio, 2)} (target >= 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`
  )
  console.log(`CPU per answered message: bot median ${fixed(botCpu, 2)} ms (target <= 1.5: ${botCpu <= 1.5 ? "met" : "NOT met"}), baseline ${fixed(baselineCpu, 2)} ms`)
}
if (tableWork.size > 0) {
  console.log(`\nWhat each server asked of Postgres over its life (pg_stat_user_tables of its schema), per answered message:`)
  for (const [label, { work, answers }] of tableWork) {
    const per = (value: number) => fixed(value / Math.max(1, answers), 1)
    console.log(
      `- ${label}: ${answers} answered; ${per(work.scans)} table scans (index and sequential), ${per(work.inserted)} rows inserted, ${per(work.updated)} updated, ${per(work.deleted)} deleted; busiest: ${work.busiest.map((table) => `${table.table} ${per(table.scans)} scans ${per(table.written)} writes`).join(", ")}`
    )
  }
}
for (const [label, { counts, answers }] of statementCounts) {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0)
  const per = (n: number) => fixed(n / Math.max(1, answers), 2)
  console.log(`\nStatements the bot ran (${label}, counted by a relay to Postgres over its whole life, start-up and pollers included): ${total} for ${answers} answered messages, ${per(total)} per answered message; the most run, per answered message:`)
  for (const [sql, n] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${per(n).padStart(7)}  ${sql}`)
}
if (steadies.length > 0) {
  console.log(`\nSteady rates (open loop, each webhook timed from when it was due; new people, each writing "hi", a pick, a tap, half a second apart)`)
  console.log("| run | sent | failed | webhook p50 first 10 s | p99 first 10 s | p50 all | p99 all | max | answered/s | unanswered at end | reply p50 ms | p99 ms | bot CPU ms/message |")
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
  for (const run of steadies) {
    console.log(
      `| ${run.label} | ${run.sent} | ${run.failed} | ${fixed(run.first10P50)} | ${fixed(run.first10P99)} | ${fixed(run.allP50)} | ${fixed(run.allP99)} | ${fixed(run.max)} | ${fixed(run.answeredPerSecond, 0)} | ${run.backlogAtEnd} | ${fixed(run.replyP50)} | ${fixed(run.replyP99)} | ${fixed(run.cpuMsPerMessage, 2)} |`
    )
  }
  const botFixed = steadies.find((run) => run.label === "bot, pacing lifted")
  if (botFixed !== undefined) {
    console.log(`bot at ${fixedRate} req/s from the first second: p99 ${fixed(botFixed.first10P99)} ms in the first 10 s, ${fixed(botFixed.allP99)} ms over ${fixedSeconds} s (target < 50 ms: ${Math.max(botFixed.first10P99, botFixed.allP99) < 50 ? "met" : "NOT met"})`)
  }
}
if (goal2.length > 0) console.log(`\nGoal 2 (the bot, Meta's pacing on):\n${goal2.map((line) => `- ${line}`).join("\n")}`)
if (profileLines.length > 0) console.log(`\nWhere the bot's CPU goes (--cpu-prof during a goal-1 round):\n${profileLines.join("\n")}`)
