/**
 * Our side of the photo benchmark, in its own process so that its peak RSS is its own.
 * Usage: node --import tsx bench/photos/sharp-worker.ts <workers> <image>...
 * Prints one JSON line: wall and CPU time over the images (after a warm-up pass over the same images:
 * a service runs warm, and after a single warm-up image the first photos still cost more, V8 still
 * compiling and the heap still growing: 116 ms of CPU a photo over eight, 94 over 24), verdicts, VmHWM.
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import { PhotoChecker } from "../../application/ports/PhotoChecker.js"
import { sharpPhotoCheckerLayer } from "../../adapters/sharp/SharpPhotoChecker.js"
import { PhotoCheckConfig } from "../../adapters/sharp/PhotoCheckConfig.js"

const [workersArg, ...paths] = process.argv.slice(2)
const workers = Number(workersArg)
// Read when checked, as the Python side does: only the photos in flight are in memory.
const read = (path: string) => Effect.sync(() => readFileSync(path))

const program = Effect.gen(function* () {
  const checker = yield* PhotoChecker
  const checkAll = Effect.forEach(
    paths,
    (path) => read(path).pipe(Effect.flatMap((bytes) => checker.check({ bytes, earlierHashes: [] }))),
    { concurrency: workers }
  )
  yield* checkAll
  const started = performance.now()
  const cpu = process.cpuUsage()
  const outcomes = yield* checkAll
  const ms = performance.now() - started
  const { user, system } = process.cpuUsage(cpu)
  return { ms, cpuMs: (user + system) / 1000, photos: paths.length, accepted: outcomes.filter((o) => o._tag === "Accepted").length }
})

const config = Effect.runSync(PhotoCheckConfig)
const result = await Effect.runPromise(
  program.pipe(Effect.provide(sharpPhotoCheckerLayer({ ...config, maxParallel: workers, threadsPerPhoto: 1 })))
)
// VmHWM, not getrusage's maxRSS: after fork and exec, maxRSS still counts the parent's pages.
const vmHwm = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))
console.log(JSON.stringify({ ...result, selfPeakRssMb: Number(vmHwm?.[1] ?? 0) / 1024 }))
