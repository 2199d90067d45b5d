/**
 * Cold-start benchmark: time from spawning the standalone server to its first answer on /health
 * (and /ready), on a fresh embedded PGlite directory and on Postgres (DATABASE_URL), first start
 * (migrations run) and restart (already migrated); module load time of the main modules; and the
 * Azure Functions HTTP handler's first answer. See bench/README.md, "Cold start".
 *
 *   npx tsx bench/cold-start/run.ts   (COLD_START_ROUNDS=3 by default)
 */
import { execFileSync, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect, Exit, Scope } from "effect"
import pg from "pg"
import { bundle } from "../../deploy/bundle.js"
import { makeFakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { freePort, loadAverage, peakRssMb, startProcess, stopProcess, waitForOk } from "../ingest/processes.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const rounds = Number(process.env.COLD_START_ROUNDS ?? 3)
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
if (!new URL(databaseUrl).pathname.toLowerCase().includes("test")) {
  throw new Error(`Refusing to benchmark on ${new URL(databaseUrl).pathname}: its name must contain "test"`)
}

/** What the Functions entry (runtimes/azure-functions/main.ts) imports; main itself would register with the host. */
const functionsModules = ["FunctionHandlers", "FunctionsParts", "ProcessRuntime", "registerFunctions"].map(
  (name) => `runtimes/azure-functions/${name}.ts`
)

// As production runs it: JavaScript compiled by tsc under plain node (`npm start` runs tsx, measured too).
const outDir = join(root, "node_modules/.cache/cold-start-bench")
execFileSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    ...["--outDir", outDir, "--rootDir", root, "--module", "nodenext", "--moduleResolution", "nodenext"],
    ...["--target", "es2022", "--skipLibCheck", "--types", "node", "--strict"],
    ...["runtimes/http-server/main.ts", ...functionsModules, "bench/cold-start/import-time.ts", "bench/cold-start/functions-first-answer.ts"].map(
      (file) => join(root, file)
    )
  ],
  { stdio: "inherit" }
)

// As the Dockerfile runs it: one file per entry by deploy/bundle.ts, with the same options.
const bundleDir = join(outDir, "bundle")
mkdirSync(bundleDir, { recursive: true })
const functionsImportsEntry = join(bundleDir, "functions-imports.ts")
writeFileSync(functionsImportsEntry, functionsModules.map((file) => `export * from ${JSON.stringify(join(root, file))}\n`).join(""))
await bundle(
  {
    "http-server": join(root, "runtimes/http-server/main.ts"),
    "standalone-parts": join(root, "runtimes/http-server/StandaloneBot.ts"),
    "functions-imports": functionsImportsEntry,
    "functions-first-answer": join(root, "bench/cold-start/functions-first-answer.ts")
  },
  bundleDir
)

const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 })
// Meta for the Functions handler, in this process: its build uploads the example photos there.
const graphScope = Effect.runSync(Scope.make())
const graph = await Effect.runPromise(Scope.extend(makeFakeGraphApi({ customerServiceWindow: "off" }), graphScope))
const graphEnv = { GRAPH_API_URL: graph.baseUrl, GRAPH_NUMBER_ID: graph.phoneNumberId, GRAPH_ACCESS_TOKEN: graph.accessToken, GRAPH_APP_SECRET: graph.appSecret }
const work = mkdtempSync(join(tmpdir(), "cold-start-bench-"))
let made = 0

/** A fresh schema of the test database, named like the tests' so a killed run's are swept. */
const freshSchemaUrl = async () => {
  made += 1
  const schema = `t_bench_cold_${Date.now().toString(36)}_${made}`
  await admin.query(`CREATE SCHEMA ${schema}`)
  const url = new URL(databaseUrl)
  url.searchParams.set("options", `-c search_path=${schema}`)
  return { schema, url: url.toString() }
}

interface Start {
  readonly healthMs: number
  readonly readyMs: number
  readonly peakRssMb: number
}

/** Spawns the standalone server and times its first 200 on /health, then on /ready. */
const startStandalone = async (label: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv, cwd = work): Promise<Start> => {
  const port = await freePort()
  const started = performance.now()
  const child = startProcess(process.execPath, args, { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...env }, cwd, join(work, `${label}-${port}.log`))
  try {
    await waitForOk(`http://127.0.0.1:${port}/health`, child, 120_000)
    const healthMs = performance.now() - started
    await waitForOk(`http://127.0.0.1:${port}/ready`, child, 120_000)
    return { healthMs, readyMs: performance.now() - started, peakRssMb: peakRssMb(child.pid ?? 0) }
  } finally {
    await stopProcess(child)
  }
}

/** Runs a script to its end and parses the JSON line it prints last. */
const runScript = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<Record<string, number>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "inherit"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code) => {
      const line = output.trim().split("\n").pop() ?? ""
      try {
        const parsed: unknown = JSON.parse(line)
        if (code !== 0 || typeof parsed !== "object" || parsed === null) throw new Error(`exited with ${code}`)
        resolve(Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === "number")))
      } catch (error) {
        reject(new Error(`${args.join(" ")}: ${String(error)}; output: ${output.slice(-500)}`))
      }
    })
  })

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const compiledMain = join(outDir, "runtimes/http-server/main.js")
// tsx's loader by path: the servers run from an empty directory, where "tsx" would not resolve.
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href
const tsxMain = ["--import", tsxLoader, join(root, "runtimes/http-server/main.ts")]

/**
 * `npm start` on a new clone of the committed tree: `npm start` runs tsx (here by its loader, without
 * npm's own start), tsx's cache cold (an empty TMPDIR), no `.data` yet (initdb, migrations). The
 * clone shares this checkout's node_modules: `npm ci`'s own time is not a start's.
 */
const freshCloneStart = (round: number) => {
  const clone = join(work, `clone-${round}`)
  execFileSync("git", ["clone", "-q", root, clone])
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"))
  const emptyTmp = join(work, `tmp-${round}`)
  mkdirSync(emptyTmp)
  return startStandalone("fresh-clone", ["--import", tsxLoader, join(clone, "runtimes/http-server/main.ts")], { TMPDIR: emptyTmp }, clone).finally(
    () => rmSync(clone, { recursive: true, force: true })
  )
}

const rows: Array<[string, ReadonlyArray<Start>]> = []
const results = {
  pgliteFirst: [] as Array<Start>,
  pgliteRestart: [] as Array<Start>,
  postgresFirst: [] as Array<Start>,
  postgresRestart: [] as Array<Start>,
  tsxPgliteRestart: [] as Array<Start>,
  bundledPgliteRestart: [] as Array<Start>,
  bundledPostgresFirst: [] as Array<Start>,
  bundledPostgresRestart: [] as Array<Start>,
  freshClone: [] as Array<Start>
}
const imports = {
  standalone: [] as Array<number>,
  standaloneTsx: [] as Array<number>,
  standaloneBundled: [] as Array<number>,
  functions: [] as Array<number>,
  functionsBundled: [] as Array<number>,
  effect: [] as Array<number>
}
const functions: Array<Record<string, number>> = []
const functionsBundled: Array<Record<string, number>> = []
const functionsMigrated: Array<Record<string, number>> = []
const functionsBundledMigrated: Array<Record<string, number>> = []
const bundledMain = join(bundleDir, "http-server.mjs")

console.log(`Cold start: ${cpus()[0]?.model ?? "cpu"} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}; ${rounds} rounds`)
console.log(`load average before: ${loadAverage()}`)
const schemas: Array<string> = []
try {
  for (let round = 0; round < rounds; round++) {
    const dataDir = join(work, `pglite-${round}`)
    results.pgliteFirst.push(await startStandalone("pglite", [compiledMain], { PGLITE_DATA_DIR: dataDir }))
    results.pgliteRestart.push(await startStandalone("pglite", [compiledMain], { PGLITE_DATA_DIR: dataDir }))
    results.tsxPgliteRestart.push(await startStandalone("pglite-tsx", tsxMain, { PGLITE_DATA_DIR: dataDir }))
    results.bundledPgliteRestart.push(await startStandalone("pglite-bundled", [bundledMain], { PGLITE_DATA_DIR: dataDir }))
    rmSync(dataDir, { recursive: true, force: true })
    results.freshClone.push(await freshCloneStart(round))
    const { schema, url } = await freshSchemaUrl()
    schemas.push(schema)
    results.postgresFirst.push(await startStandalone("postgres", [compiledMain], { DATABASE_URL: url }))
    results.postgresRestart.push(await startStandalone("postgres", [compiledMain], { DATABASE_URL: url }))
    const bundledSchema = await freshSchemaUrl()
    schemas.push(bundledSchema.schema)
    results.bundledPostgresFirst.push(await startStandalone("postgres-bundled", [bundledMain], { DATABASE_URL: bundledSchema.url }))
    results.bundledPostgresRestart.push(await startStandalone("postgres-bundled", [bundledMain], { DATABASE_URL: bundledSchema.url }))

    const importTime = join(outDir, "bench/cold-start/import-time.js")
    const standaloneModules = pathToFileURL(join(outDir, "runtimes/http-server/StandaloneBot.js")).href
    imports.standalone.push((await runScript([importTime, standaloneModules], {})).importMs ?? Number.NaN)
    imports.standaloneTsx.push(
      (await runScript(["--import", tsxLoader, join(root, "bench/cold-start/import-time.ts"), pathToFileURL(join(root, "runtimes/http-server/StandaloneBot.ts")).href], {})).importMs ?? Number.NaN
    )
    imports.functions.push(
      (await runScript([importTime, ...functionsModules.map((file) => pathToFileURL(join(outDir, file.replace(/\.ts$/, ".js"))).href)], {}))
        .importMs ?? Number.NaN
    )
    imports.standaloneBundled.push(
      (await runScript([importTime, pathToFileURL(join(bundleDir, "standalone-parts.mjs")).href], {})).importMs ?? Number.NaN
    )
    imports.functionsBundled.push(
      (await runScript([importTime, pathToFileURL(join(bundleDir, "functions-imports.mjs")).href], {})).importMs ?? Number.NaN
    )
    imports.effect.push((await runScript([importTime, "effect"], {})).importMs ?? Number.NaN)

    const fresh = await freshSchemaUrl()
    schemas.push(fresh.schema)
    functions.push(await runScript([join(outDir, "bench/cold-start/functions-first-answer.js")], { DATABASE_URL: fresh.url, ...graphEnv }))
    const freshBundled = await freshSchemaUrl()
    schemas.push(freshBundled.schema)
    functionsBundled.push(await runScript([join(bundleDir, "functions-first-answer.mjs")], { DATABASE_URL: freshBundled.url, ...graphEnv }))
    // A new instance on a database already migrated: the cold start of every scale-out after the first.
    functionsMigrated.push(await runScript([join(outDir, "bench/cold-start/functions-first-answer.js")], { DATABASE_URL: fresh.url, ...graphEnv }))
    functionsBundledMigrated.push(await runScript([join(bundleDir, "functions-first-answer.mjs")], { DATABASE_URL: freshBundled.url, ...graphEnv }))
  }
} finally {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
  await Effect.runPromise(Scope.close(graphScope, Exit.void))
  rmSync(work, { recursive: true, force: true })
}
console.log(`load average after: ${loadAverage()}\n`)

rows.push(
  ["compiled, PGlite, fresh data directory (initdb, migrations)", results.pgliteFirst],
  ["compiled, PGlite, restart", results.pgliteRestart],
  ["npm start (tsx), PGlite, restart", results.tsxPgliteRestart],
  ["npm start (tsx) on a new clone: tsx's cache cold, PGlite fresh (initdb, migrations)", results.freshClone],
  ["bundled, PGlite, restart", results.bundledPgliteRestart],
  ["compiled, Postgres, fresh schema (migrations)", results.postgresFirst],
  ["compiled, Postgres, restart", results.postgresRestart],
  ["bundled, Postgres, fresh schema (migrations)", results.bundledPostgresFirst],
  ["bundled, Postgres, restart", results.bundledPostgresRestart]
)
console.log("| standalone server (all services) | first /health 200, ms | /ready 200, ms | peak RSS MB |")
console.log("|---|---:|---:|---:|")
for (const [label, starts] of rows) {
  console.log(
    `| ${label} | ${median(starts.map((start) => start.healthMs)).toFixed(0)} | ${median(starts.map((start) => start.readyMs)).toFixed(0)} | ${median(starts.map((start) => start.peakRssMb)).toFixed(0)} |`
  )
}
console.log("\n| module load (fresh process, import only) | ms |")
console.log("|---|---:|")
console.log(`| effect alone | ${median(imports.effect).toFixed(0)} |`)
console.log(`| standalone composition (StandaloneBot: every module the server loads), compiled | ${median(imports.standalone).toFixed(0)} |`)
console.log(`| the same under tsx (npm start) | ${median(imports.standaloneTsx).toFixed(0)} |`)
console.log(`| the same, bundled | ${median(imports.standaloneBundled).toFixed(0)} |`)
console.log(`| Azure Functions entry's imports (handlers, parts, process runtime, registration), compiled | ${median(imports.functions).toFixed(0)} |`)
console.log(`| the same, bundled | ${median(imports.functionsBundled).toFixed(0)} |`)
const pick = (runs: ReadonlyArray<Record<string, number>>, key: string) => median(runs.map((result) => result[key] ?? Number.NaN)).toFixed(0)
console.log("\n| Azure Functions HTTP handler, Postgres | compiled, fresh schema, ms | bundled, fresh schema, ms | compiled, migrated, ms | bundled, migrated, ms |")
console.log("|---|---:|---:|---:|---:|")
const sides = [functions, functionsBundled, functionsMigrated, functionsBundledMigrated]
const row = (label: string, key: string) => console.log(`| ${label} | ${sides.map((side) => pick(side, key)).join(" | ")} |`)
row("process start to modules loaded", "modulesLoadedSinceProcessStartMs")
row("CPU time to modules loaded (all threads)", "modulesLoadedCpuMs")
row(`first invocation (runtime built: pool, migrations) to its answer (status ${pick(functions, "firstStatus")})`, "firstAnswerMs")
row("process start to first answer", "firstAnswerSinceProcessStartMs")
row("CPU time to first answer (all threads)", "firstAnswerCpuMs")
row("second invocation", "secondAnswerMs")
