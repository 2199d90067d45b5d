import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const projectRoot = fileURLToPath(new URL("../../", import.meta.url))
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url))
const entry = fileURLToPath(new URL("../../runtimes/cli/main.ts", import.meta.url))

/** The command line with its stdout a pipe whose reader has already gone, as in `... | head -1`. */
const runIntoClosedPipe = (args: ReadonlyArray<string>) =>
  new Promise<{ readonly exitCode: number | null; readonly stderr: string }>((resolve, reject) => {
    const child = spawn(tsx, [entry, ...args], { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] })
    child.stdout.destroy()
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (exitCode) => resolve({ exitCode, stderr }))
  })

describe("the command line piped to a reader that stops early", { timeout: 60_000 }, () => {
  it("ends quietly with exit code 0", async () => {
    const run = await runIntoClosedPipe(["--help"])
    expect(run.stderr).toBe("")
    expect(run.exitCode).toBe(0)
  })
})
