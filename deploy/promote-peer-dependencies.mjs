// Run in the image's build stage, before `npm prune --omit=dev`. The package declares effect and
// @effect/* as peer dependencies (embedding teams bring their own single copy) and installs them
// here as dev dependencies, so a plain prune would drop what the server runs on. Promoting the
// peers to dependencies first makes the prune keep them, at the versions the lockfile pinned.
import { readFileSync, writeFileSync } from "node:fs"

const path = process.argv[2] ?? "package.json"
const pkg = JSON.parse(readFileSync(path, "utf8"))
const peers = pkg.peerDependencies ?? {}
pkg.dependencies = { ...peers, ...pkg.dependencies }
// npm lets a devDependencies entry win over a dependencies entry of the same name.
for (const name of Object.keys(peers)) delete pkg.devDependencies?.[name]
delete pkg.peerDependencies
delete pkg.peerDependenciesMeta
writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`)
console.log(`Peer dependencies kept for production: ${Object.keys(pkg.dependencies).join(", ")}`)
