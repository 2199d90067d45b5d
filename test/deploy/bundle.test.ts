import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import type { Metafile } from "esbuild"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundle, entries } from "../../deploy/bundle.js"
import { freePort } from "../faults/childBot.js"
import { nodeProcess } from "../support/nodeProcess.js"
import { root } from "./files.js"

// Inside the repository, as dist/bundle/ is: the bundle finds node_modules (its externals) and the
// package's assets by walking up from its own file.
mkdirSync(join(root, "node_modules/.cache"), { recursive: true })
const outdir = mkdtempSync(join(root, "node_modules/.cache/bundle-test-"))
const scratch = mkdtempSync(join(tmpdir(), "bundle-test-"))
let metafile: Metafile | undefined
beforeAll(async () => {
  metafile = await bundle(entries, outdir)
}, 120_000)
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true })
  rmSync(scratch, { recursive: true, force: true })
})

/**
 * The source files in an output and in every output it imports statically, and the packages left
 * outside the bundle that these import statically: what loads with it.
 */
const loadedAtStart = (output: string, built: Metafile, seen = new Set<string>()): ReadonlyArray<string> => {
  if (seen.has(output)) return []
  seen.add(output)
  const { inputs, imports } = built.outputs[output] ?? { inputs: {}, imports: [] }
  const statically = imports.filter((imported) => imported.kind === "import-statement")
  return [
    ...Object.keys(inputs),
    ...statically.filter((imported) => imported.external).map((imported) => imported.path),
    ...statically.filter((imported) => !imported.external).flatMap((imported) => loadedAtStart(imported.path, built, seen))
  ]
}

const entryOutput = (name: string) => {
  const built = metafile
  if (built === undefined) throw new Error("not bundled")
  const output = Object.keys(built.outputs).find((path) => path.endsWith(`/${name}.mjs`))
  if (output === undefined) throw new Error(`no output for ${name}`)
  return loadedAtStart(output, built)
}

const answers = (url: string) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0)

describe("the bundled runtimes (what the Dockerfile and the Functions app run)", () => {
  it("the standalone server starts with no configuration from an empty directory and answers /health and /ready", async () => {
    const port = await freePort()
    const child = nodeProcess([join(outdir, "http-server.mjs")], {
      cwd: scratch,
      env: { PORT: String(port), LOG_LEVEL: "Warn", PGLITE_DATA_DIR: join(scratch, "pglite") }
    })
    try {
      const deadline = Date.now() + 90_000
      let ready = 0
      while (child.running() && Date.now() < deadline && ready !== 200) {
        ready = await answers(`http://127.0.0.1:${port}/ready`)
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200))
      }
      expect(ready, child.output()).toBe(200)
      expect(await answers(`http://127.0.0.1:${port}/health`)).toBe(200)
      const docs = await fetch(`http://127.0.0.1:${port}/docs`, { signal: AbortSignal.timeout(10_000) })
      expect(docs.status).toBe(200)
      expect(await docs.text()).toContain("SwaggerUIBundle")
    } finally {
      await child.stop()
    }
  }, 120_000)

  // Its 1.9 MB of script is only /docs' (adapters/http-api/ApiDocs.ts): a separate file, loaded then.
  it("no runtime loads Swagger UI at start", () => {
    for (const name of Object.keys(entries)) {
      expect(entryOutput(name).filter((input) => input.includes("httpApiSwagger")), name).toEqual([])
    }
  })

  // sharp's native library takes hundreds of milliseconds to load: only a photo checked, a media
  // prepared or a preview rendered loads it, never a start (the Functions handler, SERVICES=message).
  it("no runtime loads sharp at start", () => {
    for (const name of Object.keys(entries)) expect(entryOutput(name), name).not.toContain("sharp")
  })

  it("the command line answers --help", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, "cli.mjs"), "--help"], { cwd: scratch })
    expect(stdout).toContain("doctor")
  }, 60_000)
})
