// Bundles each runtime's entry into one ES module under dist/bundle/ with esbuild (`npm run build`
// runs it after tsc: `tsx deploy/bundle.ts`); what it imports dynamically and does not need to start
// (Swagger UI, for /docs) goes to files of its own under dist/bundle/chunks/. Why: Node loads the ~1,900 modules of the compiled output (effect and
// @effect/* are many small files) one by one; one file loads about 3 times faster (bench/cold-start,
// "module load", bundled beside compiled in the same run), which is most of a cold start.
// Packages that read files beside their own code at run time stay outside and are loaded from
// node_modules: sharp (a native binary), PGlite (its WebAssembly and data files), the Azure
// Functions library (the host's own package), and the optional native add-ons of pg and ws.
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild"
import { readFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

const swaggerReexport = 'export * as HttpApiSwagger from "./HttpApiSwagger.js";'

/**
 * `@effect/platform`'s index without its re-export of HttpApiSwagger. Swagger UI (1.9 MB of script
 * in one string) is only for /docs, which imports it dynamically (adapters/http-api/ApiDocs.ts), so
 * it can stay in a file of its own; but esbuild places a module by the files that import it, used
 * or not, and the index that every `from "@effect/platform"` reaches imports it, which would put it
 * back in what every runtime reads at start. A named import of it from the index fails the build.
 */
const swaggerOnlyForDocs: Plugin = {
  name: "swagger-only-for-docs",
  setup: (build) => {
    build.onLoad({ filter: /[\\/]@effect[\\/]platform[\\/]dist[\\/]esm[\\/]index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8")
      if (!source.includes(swaggerReexport)) throw new Error(`${path} no longer reads ${swaggerReexport}: see swaggerOnlyForDocs`)
      return { contents: source.replace(swaggerReexport, ""), loader: "js", resolveDir: dirname(path) }
    })
  }
}

/** esbuild options shared by the build and the cold-start bench, so both measure the same output. */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  // What is imported dynamically (Swagger UI, for /docs) goes to a file of its own, read when first
  // imported. Each entry is built alone (`bundle`), so the rest of it stays in its one file.
  splitting: true,
  external: ["sharp", "@electric-sql/pglite", "@azure/functions", "pg-native", "bufferutil", "utf-8-validate"],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: "linked",
  legalComments: "none",
  plugins: [swaggerOnlyForDocs],
  logLevel: "warning"
}

/** The runtimes' entries, named by the file each becomes in dist/bundle/. */
export const entries: Readonly<Record<string, string>> = {
  "http-server": join(root, "runtimes/http-server/main.ts"),
  "azure-functions": join(root, "runtimes/azure-functions/main.ts"),
  cli: join(root, "runtimes/cli/main.ts")
}

/**
 * Bundles `entryPoints` ({ name: path }) into `outdir`, each as `<name>.mjs`, its dynamic imports (and
 * what they share with it) under `chunks/<name>/`; answers what went where (esbuild's metafile, all
 * builds). Each entry is built alone: together, esbuild would move what they share to more chunks.
 */
export const bundle = async (entryPoints: Readonly<Record<string, string>>, outdir: string): Promise<Metafile> => {
  const built = await Promise.all(
    Object.entries(entryPoints).map(([name, path]) =>
      build({ ...bundleOptions, entryPoints: { [name]: path }, outdir, outExtension: { ".js": ".mjs" }, chunkNames: `chunks/${name}/[name]-[hash]`, metafile: true })
    )
  )
  return built.reduce<Metafile>(
    (all, { metafile }) => ({ inputs: { ...all.inputs, ...metafile.inputs }, outputs: { ...all.outputs, ...metafile.outputs } }),
    { inputs: {}, outputs: {} }
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(entries, join(root, "dist/bundle"))
}
