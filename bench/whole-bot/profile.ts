import { existsSync, readFileSync, realpathSync } from "node:fs"
import { SourceMap } from "node:module"
import { dirname, isAbsolute, relative, resolve } from "node:path"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const isProfile = (value: unknown): value is CpuProfile =>
  typeof value === "object" && value !== null && "nodes" in value && "samples" in value && "timeDeltas" in value

/** `node_modules/effect/dist/esm/internal/fiberRuntime.js` -> `effect`; our own files keep their folder. */
const moduleOf = (source: string): string => {
  const packages = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)
  if (packages !== null) return packages[1] ?? source
  return source.split("/").slice(0, 2).join("/")
}

/**
 * Where the samples of a `--cpu-prof` profile of the bundled bot fall, by function and by module, each frame
 * of the bundle (its entry file and the chunks beside it, deploy/bundle.ts) mapped through that
 * file's source map back to the file it came from.
 */
export const summarizeProfile = (profileFile: string, bundleFile: string, root: string, top = 25): ReadonlyArray<string> => {
  const parsed: unknown = JSON.parse(readFileSync(profileFile, "utf8"))
  if (!isProfile(parsed)) return ["not a CPU profile"]
  // The profile names a file by its real path (node_modules may be a link); a map's sources are
  // relative to the directory of the file it maps.
  const bundleDirs = [dirname(bundleFile), dirname(realpathSync(bundleFile))]
  const maps = new Map<string, SourceMap | undefined>()
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      const file = url.replace(/^file:\/\//, "")
      const inBundle = url.startsWith("file://") && file.endsWith(".mjs") && bundleDirs.some((dir) => file.startsWith(`${dir}/`))
      maps.set(url, inBundle && existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))) : undefined)
    }
    return maps.get(url)
  }
  const nodes = new Map(parsed.nodes.map((node) => [node.id, node]))
  // Samples counted, not the time between them: on a loaded machine a thread preempted for
  // milliseconds is found by one sample when it runs again, whose preceding gap would otherwise
  // charge the wait to whatever it was doing (a write to Postgres's socket, which wakes Postgres).
  const selfSamples = new Map<number, number>()
  const total = parsed.samples.length
  const span = parsed.timeDeltas.reduce((sum, delta) => sum + delta, 0)
  for (const id of parsed.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1)
  const byFunction = new Map<string, number>()
  const byModule = new Map<string, number>()
  const add = (table: Map<string, number>, key: string, samples: number) => table.set(key, (table.get(key) ?? 0) + samples)
  const located = new Map<number, { readonly source: string; readonly line: number }>()
  const locate = (frame: CallFrame) => {
    let source = frame.url === "" ? frame.functionName : frame.url.replace(/^file:\/\//, "")
    let line = frame.lineNumber + 1
    const map = mapOf(frame.url)
    if (map !== undefined) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber)
      if ("originalSource" in entry && typeof entry.originalSource === "string") {
        const original = entry.originalSource.replace(/^file:\/\//, "")
        source = relative(root, isAbsolute(original) ? original : resolve(dirname(source), original))
        line = (entry.originalLine ?? 0) + 1
      }
    } else if (source.startsWith(root)) {
      source = relative(root, source)
    }
    return { source: source.replace(/^(\.\.\/)+(main\/)?/, ""), line }
  }
  for (const node of parsed.nodes) located.set(node.id, locate(node.callFrame))
  for (const [id, samples] of selfSamples) {
    const frame = nodes.get(id)?.callFrame
    const place = located.get(id)
    if (frame === undefined || place === undefined) continue
    const { source, line } = place
    add(byFunction, `${frame.functionName === "" ? "(anonymous)" : frame.functionName} ${source}:${line}`, samples)
    add(byModule, frame.url === "" ? frame.functionName : source.startsWith("node:") ? "node: built-ins" : moduleOf(source), samples)
  }
  // Inclusive time of our own files (not node_modules, not node's): each sample is credited once to
  // every one of our files on its stack, so that the work under a use case shows, whichever library
  // function it was spent in.
  const parent = new Map<number, number>()
  for (const node of parsed.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const ownFile = (id: number) => {
    const source = located.get(id)?.source ?? ""
    return /^(domain|application|adapters|runtimes|contracts|testing)\//.test(source) ? source : undefined
  }
  const byOwnFile = new Map<string, number>()
  for (const [id, samples] of selfSamples) {
    const files = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const file = ownFile(at)
      if (file !== undefined) files.add(file)
    }
    for (const file of files) add(byOwnFile, file, samples)
  }
  const share = (samples: number) => `${((100 * samples) / total).toFixed(1)}%`
  const rows = (table: Map<string, number>) =>
    [...table.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, samples]) => `  ${share(samples).padStart(6)}  ${key}`)
  return [
    `profile: ${total} samples over ${(span / 1e6).toFixed(1)} s (the whole process, start included); share of samples, self, by module:`,
    ...rows(byModule),
    "share of samples, self, by function:",
    ...rows(byFunction),
    "share of samples, inclusive, of our own files (a sample counts for every one of our files on its stack):",
    ...rows(byOwnFile)
  ]
}
