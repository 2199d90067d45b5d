import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const projectRoot = fileURLToPath(new URL("../../", import.meta.url))
const execFileAsync = promisify(execFile)

// `npm run cli` is the README's way to the command line from a clone: it runs the sources with
// tsx, so it must answer before any `npm run build` (the `bin` points into dist/, which a clone lacks).
describe("npm run cli from a clone", { timeout: 60_000 }, () => {
  it("runs the sources, prints the help and exits 0", async () => {
    const script = (await execFileAsync("npm", ["pkg", "get", "scripts.cli"], { cwd: projectRoot, encoding: "utf8" })).stdout
    expect(script).not.toContain("dist/")
    // execFile rejects on a non-zero exit, so getting here means the command exited 0.
    const { stdout } = await execFileAsync("npm", ["run", "--silent", "cli", "--", "--help"], {
      cwd: projectRoot,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" }
    })
    expect(stdout).toContain("users erase")
    expect(stdout).toContain("dead-letters replay")
  })
})
