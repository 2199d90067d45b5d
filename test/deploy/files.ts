import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAllDocuments } from "yaml"

export const root = join(import.meta.dirname, "..", "..")
export const read = (path: string) => readFileSync(join(root, path), "utf8")

/** Every document of a YAML file, failing on any parse error or warning. */
export const yamlDocuments = (path: string): ReadonlyArray<unknown> =>
  parseAllDocuments(read(path), { merge: true }).map((document) => {
    const problems = [...document.errors, ...document.warnings]
    if (problems.length > 0) throw new Error(`${path}: ${problems.map((problem) => problem.message).join("; ")}`)
    return document.toJS()
  })

export const k8sFiles = readdirSync(join(root, "deploy/k8s"))
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => `deploy/k8s/${name}`)

const sourceRoots = ["application", "adapters", "runtimes", "contracts", "domain"]

const sourceFiles = (directory: string): ReadonlyArray<string> =>
  readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(directory, entry.name))
      : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")
        ? [join(directory, entry.name)]
        : []
  )

const settingName = /^[A-Z][A-Z0-9_]*$/

/**
 * The settings the code reads, found in its sources: the name given to a `Config.*` constructor
 * (first argument, or `Config.array`'s second), to a helper that wraps one (names with an
 * underscore), and templates such as `TIER_${name}_IMAGES` over the names the same file passes.
 */
export const settingsReadByTheCode = (): ReadonlySet<string> => {
  const found = new Set<string>()
  for (const file of sourceRoots.flatMap(sourceFiles)) {
    const text = read(file)
    if (!/\bConfig\b/.test(text)) continue
    for (const match of text.matchAll(/\b(Config\.)?(\w+)\(\s*"([A-Z][A-Z0-9_]*)"/g)) {
      const [, viaConfig, callee, name] = match
      if (callee === "withDefault" || name === undefined) continue
      if (viaConfig !== undefined || name.includes("_")) found.add(name)
    }
    for (const match of text.matchAll(/Config\.array\([^"]*?,\s*"([A-Z][A-Z0-9_]*)"\s*\)/g)) found.add(match[1]!)
    const words = [...text.matchAll(/(?<!Config\.)\b(?!withDefault)\w+\(\s*"([A-Z]+)"\s*[,)]/g)].map((match) => match[1]!)
    for (const match of text.matchAll(/`([A-Z][A-Z0-9_]*)\$\{\w+\}([A-Z0-9_]*)`/g)) {
      for (const word of words) found.add(`${match[1]}${word}${match[2]}`)
    }
  }
  return new Set([...found].filter((name) => settingName.test(name)))
}

/** `NAME=` lines of .env.example, commented or not. */
export const envExampleSettings = (): ReadonlySet<string> =>
  new Set([...read(".env.example").matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!))
