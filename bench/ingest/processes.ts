import { type ChildProcess, spawn } from "node:child_process"
import { openSync } from "node:fs"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"

/** A free loopback port, found by letting the kernel pick one. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** A server in its own process (so that its memory and CPU are its own), output to `logFile`. */
export const startProcess = (command: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv, cwd: string, logFile: string) => {
  const log = openSync(logFile, "w")
  return spawn(command, [...args], { env, cwd, stdio: ["ignore", log, log] })
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** Polls `url` until it answers 200; the milliseconds that took. Fails when `child` exits or after `timeoutMillis`. */
export const waitForOk = async (url: string, child: ChildProcess, timeoutMillis: number): Promise<number> => {
  const started = performance.now()
  while (performance.now() - started < timeoutMillis) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering ${url}`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false
    )
    if (ok) return performance.now() - started
    await sleep(10)
  }
  throw new Error(`no 200 from ${url} within ${timeoutMillis} ms`)
}

/** Stops a child with SIGTERM (SIGKILL after 5 s) and waits for it. */
export const stopProcess = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000)
    child.once("exit", () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill("SIGTERM")
  })

/** Peak resident memory of a process so far (VmHWM), in MB. */
export const peakRssMb = (pid: number): number => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return match === null ? Number.NaN : Number(match[1]) / 1024
}

/** CPU time (user and system, all threads) a process has used, in ms. */
export const cpuMillis = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const ticksPerSecond = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

export const loadAverage = (): string => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(", ")
