import { spawn } from "node:child_process"

export interface NodeProcess {
  /** Until it exits. */
  readonly running: () => boolean
  /** Its stdout and stderr so far, interleaved, for a failed assertion's message. */
  readonly output: () => string
  /** SIGTERM, and until it has exited. */
  readonly stop: () => Promise<void>
}

/** `node args…` in `cwd` with only PATH, HOME and `env` set: nothing of the test's own environment leaks in. */
export const nodeProcess = (
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> }
): NodeProcess => {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  return {
    running: () => child.exitCode === null,
    output: () => output,
    stop: () => {
      child.kill("SIGTERM")
      return exited
    }
  }
}
