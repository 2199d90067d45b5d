/**
 * Photo pipeline benchmark: the sharp PhotoChecker against the same operations in OpenCV with
 * Pillow (the original bot's stack), in the same run, on the same eight 12-megapixel JPEGs, at
 * equal parallelism: one thread each, then all cores each. See bench/README.md.
 *
 *   npx tsx bench/photos/run.ts            (PHOTOS_BENCH_ROUNDS=3 by default)
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { availableParallelism, cpus, tmpdir } from "node:os"
import { readFileSync, readdirSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import sharp from "sharp"
import { generateBenchPhotos } from "./images.js"

const PYTHON = "/usr/bin/python3"
const root = join(dirname(fileURLToPath(import.meta.url)), "../..")
const rounds = Number(process.env.PHOTOS_BENCH_ROUNDS ?? 3)

interface Run {
  readonly ms: number
  /** CPU time of all the side's threads and processes over the timed photos. */
  readonly cpuMs: number
  readonly photos: number
  readonly accepted?: number
  /** The main process's own VmHWM. */
  readonly selfPeakRssMb: number
  /** Peak of the summed PSS of the side's process tree, sampled. */
  readonly peakPssMb: number
}

const probe = spawnSync(PYTHON, ["-c", "import cv2, PIL, numpy; print(cv2.__version__, PIL.__version__)"], {
  encoding: "utf8"
})
if (probe.status !== 0) {
  console.error(
    `OpenCV and Pillow are missing for ${PYTHON} (the baseline needs Debian's packages):\n` +
      "  apt-get install -y python3-opencv python3-pil\n" +
      "(the system python is meant: a pyenv `python3` on PATH will not see them)"
  )
  process.exit(1)
}
const [opencvVersion, pillowVersion] = probe.stdout.trim().split(" ")

const images = await generateBenchPhotos(
  join(root, "test/fixtures/photos"),
  join(tmpdir(), "whatsapp-astria-bot-photos-bench-v1")
)

// Our side runs as compiled JavaScript under plain node, as in production: the tsx loader alone
// would add some 60 MB of resident memory that the service never carries.
const outDir = join(root, "node_modules/.cache/photos-bench")
execFileSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    ...["--outDir", outDir, "--rootDir", root, "--module", "nodenext", "--moduleResolution", "nodenext"],
    ...["--target", "es2022", "--skipLibCheck", "--types", "node"],
    join(root, "bench/photos/sharp-worker.ts")
  ],
  { stdio: "inherit" }
)
const worker = join(outDir, "bench/photos/sharp-worker.js")

// glibc's per-thread malloc arenas keep freed image buffers resident; two arenas is the usual
// setting for image services (sharp's docs), and both sides get it.
const env = { ...process.env, MALLOC_ARENA_MAX: "2" }

/** Processes of a tree: the side's own process and any pool it starts. */
const processTree = (pid: number): Array<number> => {
  const pids = [pid]
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean)
      for (const child of children) pids.push(...processTree(Number(child)))
    }
  } catch {
    // The process ended between two reads.
  }
  return pids
}

/** Proportional set size: shared pages (libraries, a pool's forked parent) count once overall. */
const pssMb = (pid: number): number => {
  try {
    const match = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))
    return Number(match?.[1] ?? 0) / 1024
  } catch {
    return 0
  }
}

/**
 * Runs one side and samples the memory of its process tree every 10 ms. The peak of that sum is
 * comparable between one node process and a Python process pool; getrusage's maxRSS is not (after
 * fork and exec it still counts the parent's pages).
 */
const runSide = (side: "sharp" | "opencv", workers: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const [command, args] =
      side === "sharp"
        ? [process.execPath, [worker, String(workers), ...images]]
        : [PYTHON, [join(root, "bench/photos/baseline.py"), String(workers), ...images]]
    const child = spawn(command, args, {
      // libuv runs sharp's work: as many threads as photos in flight, like the Python workers.
      env: { ...env, UV_THREADPOOL_SIZE: String(workers) },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    let peakMb = 0
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    const sampler = setInterval(() => {
      if (child.pid === undefined) return
      peakMb = Math.max(peakMb, processTree(child.pid).reduce((sum, pid) => sum + pssMb(pid), 0))
    }, 10)
    child.on("error", reject)
    child.on("close", (code) => {
      clearInterval(sampler)
      if (code !== 0) return reject(new Error(`${side} exited with ${code}`))
      const report = JSON.parse(output.trim().split("\n").pop() ?? "{}") as Omit<Run, "peakPssMb">
      resolve({ ...report, peakPssMb: peakMb })
    })
  })

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const cores = availableParallelism()
const megabytes = images.map((path) => statSync(path).size / 1e6)
console.log(
  `Photos: ${images.length} JPEGs 4032x3024, ${Math.min(...megabytes).toFixed(2)}-${Math.max(...megabytes).toFixed(2)} MB; ` +
    `${cpus()[0]?.model ?? "cpu"} x${cores}; node ${process.version}, sharp ${sharp.versions.sharp} ` +
    `(libvips ${sharp.versions.vips}), OpenCV ${opencvVersion}, Pillow ${pillowVersion}; ` +
    `median of ${rounds} interleaved rounds\n`
)
const rows: Array<string> = []
for (const workers of [...new Set([1, cores])]) {
  const runs = { sharp: [] as Array<Run>, opencv: [] as Array<Run> }
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so that neither always meets the other's leftovers (or neighbours).
    const order = round % 2 === 0 ? (["sharp", "opencv"] as const) : (["opencv", "sharp"] as const)
    for (const side of order) runs[side].push(await runSide(side, workers))
  }
  const summary = (side: "sharp" | "opencv") => {
    const ms = median(runs[side].map((run) => run.ms)) / images.length
    const cpu = median(runs[side].map((run) => run.cpuMs)) / images.length
    const pss = Math.max(...runs[side].map((run) => run.peakPssMb))
    const hwm = Math.max(...runs[side].map((run) => run.selfPeakRssMb))
    return { ms, cpu, perSecond: 1000 / ms, pss, hwm }
  }
  const ours = summary("sharp")
  const base = summary("opencv")
  const rejected = runs.sharp.some((run) => run.accepted !== run.photos)
  if (rejected) console.warn("warning: the sharp side rejected some photos (and skipped their encode)")
  const mode = workers === 1 ? "1 thread" : `${workers} threads`
  rows.push(
    `| ${mode} | sharp PhotoChecker | ${ours.ms.toFixed(0)} | ${ours.perSecond.toFixed(1)} | ${ours.cpu.toFixed(0)} | ${ours.pss.toFixed(0)} | ${ours.hwm.toFixed(0)} |`,
    `| ${mode} | OpenCV + Pillow | ${base.ms.toFixed(0)} | ${base.perSecond.toFixed(1)} | ${base.cpu.toFixed(0)} | ${base.pss.toFixed(0)} | ${base.hwm.toFixed(0)} |`,
    `| ${mode} | baseline / ours | **${(base.ms / ours.ms).toFixed(2)}x** | | ${(base.cpu / ours.cpu).toFixed(2)}x | ${(base.pss / ours.pss).toFixed(2)}x | ${(base.hwm / ours.hwm).toFixed(2)}x |`
  )
}
console.log(
  "| parallelism | pipeline | wall ms per photo | photos/s | CPU ms per photo | peak memory, PSS of all processes (MB) | main process VmHWM (MB) |"
)
console.log("|---|---|---:|---:|---:|---:|---:|")
for (const row of rows) console.log(row)
