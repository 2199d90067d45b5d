// Bundles each runtime's entry into one ES module under dist/bundle/ with esbuild (`npm run build`
// runs it after tsc: `tsx deploy/bundle.ts`). Why: Node loads the ~1,900 modules of the compiled output (effect and
// @effect/* are many small files) one by one; one file loads about 3 times faster (bench/cold-start,
// "module load", bundled beside compiled in the same run), which is most of a cold start.
// Packages that read files beside their own code at run time stay outside and are loaded from
// node_modules: sharp (a native binary), PGlite (its WebAssembly and data files), the Azure
// Functions library (the host's own package), and the optional native add-ons of pg and ws.
import { build, type BuildOptions } from "esbuild"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** esbuild options shared by the build and the cold-start bench, so both measure the same output. */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  external: ["sharp", "@electric-sql/pglite", "@azure/functions", "pg-native", "bufferutil", "utf-8-validate"],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning"
}

/** The runtimes' entries, named by the file each becomes in dist/bundle/. */
export const entries: Readonly<Record<string, string>> = {
  "http-server": join(root, "runtimes/http-server/main.ts"),
  "azure-functions": join(root, "runtimes/azure-functions/main.ts"),
  cli: join(root, "runtimes/cli/main.ts")
}

/** Bundles `entryPoints` ({ name: path }) into `outdir`, each as `<name>.mjs`. */
export const bundle = (entryPoints: Readonly<Record<string, string>>, outdir: string) =>
  build({ ...bundleOptions, entryPoints, outdir, outExtension: { ".js": ".mjs" } })

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(entries, join(root, "dist/bundle"))
}
