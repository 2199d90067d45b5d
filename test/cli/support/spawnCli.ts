import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { CliRun } from "./runCli.js"

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url))
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url))
const entry = fileURLToPath(new URL("../../../runtimes/cli/main.ts", import.meta.url))

/** Settings of this process that would change what the command line under test connects to. */
const inherited = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_|PGLITE_|ASTRIA_|LOG_LEVEL$|HISTORY_RETENTION_DAYS$|TIER_)/.test(name)) delete env[name]
  }
  return env
}

export interface ExitedRun extends Omit<CliRun, "exitCode"> {
  readonly exitCode: number | null
}

/** Runs the real entry point as a child process, as `npx tsx runtimes/cli/main.ts ...` would. */
export const spawnCli = (args: ReadonlyArray<string>, settings: Readonly<Record<string, string>> = {}): Promise<ExitedRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(tsx, [entry, ...args], {
      cwd: projectRoot,
      env: { ...inherited(), NO_COLOR: "1", ...settings },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (exitCode) => resolve({ exitCode, stdout: stdout.trim(), stderr: stderr.trim() }))
  })
