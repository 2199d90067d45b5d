import { describe, expect, it } from "vitest"
import { spawnCli } from "./support/spawnCli.js"

/** A stack trace line, which an operator should never get for a mistake of theirs. */
const stackLine = /^\s+at /m

// Each test starts Node and tsx afresh, which takes seconds on a busy machine.
describe("the command line as a process", { timeout: 60_000 }, () => {
  it("prints help on stdout and exits 0", async () => {
    const run = await spawnCli(["--help"])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain("users erase")
    expect(run.stdout).toContain("dead-letters replay")
  })

  it("prints the version", async () => {
    const run = await spawnCli(["--version"])
    expect(run).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) })
  })

  it("stops on a malformed setting, naming it, with exit code 1 and no stack trace", async () => {
    const run = await spawnCli(["users", "list"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:9/test",
      DATABASE_POOL_SIZE: "lots"
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("Setting DATABASE_POOL_SIZE is malformed")
    expect(run.stderr).not.toMatch(stackLine)
  })

  it("names a malformed log level", async () => {
    const run = await spawnCli(["outbox", "status"], { LOG_LEVEL: "chatty" })
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain("Setting LOG_LEVEL is malformed")
  })

  it("reads dead letters from the database without Service Bus, and names one it does not hold", async () => {
    const run = await spawnCli(["dead-letters", "replay", "conversation", "some-id"], {
      DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
    })
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain("No dead letter some-id in subscription conversation")
    expect(run.stderr).not.toMatch(stackLine)
  })

  it("rejects an unknown command with exit code 1", async () => {
    const run = await spawnCli(["users", "delete", "x"])
    expect(run.exitCode).toBe(1)
    expect(run.stderr.length).toBeGreaterThan(0)
  })
})
