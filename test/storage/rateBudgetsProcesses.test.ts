import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { PgClient } from "@effect/sql-pg"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { MigrationsLive } from "../../adapters/postgres/Migrations.js"
import { freshSchema, inCi, isReachable, testDatabaseUrl } from "../support/TestDatabase.js"

/** A child's answer: its waits (ms), as JSON on stdout. */
const decodeWaits = Schema.decodeUnknownSync(Schema.parseJson(Schema.Array(Schema.Number)))

const reachable = await isReachable()
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url))
const script = fileURLToPath(new URL("./support/reserveSlots.ts", import.meta.url))

/** Runs one child process to its end; answers what it printed. */
const child = (args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    const running = spawn(tsx, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    running.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    running.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    running.on("error", (error) => resume(Effect.fail(error)))
    running.on("close", (code) => resume(code === 0 ? Effect.succeed(stdout) : Effect.fail(new Error(`exit ${code}: ${stderr}`))))
    return Effect.sync(() => running.kill())
  })

describe.skipIf(!reachable && !inCi)("a rate budget shared by two operating-system processes", () => {
  it.live("gives every slot to one caller only: together they get exactly one budget's slots", () =>
    Effect.gen(function* () {
      expect(reachable, `the test database at ${new URL(testDatabaseUrl).host} cannot be reached`).toBe(true)
      const client = Context.get(yield* Layer.build(Layer.provideMerge(MigrationsLive, freshSchema("budget_processes"))), PgClient.PgClient)
      yield* client`CREATE TABLE gate (at timestamptz NOT NULL DEFAULT now())`
      const url = Redacted.value(Option.getOrThrow(Option.fromNullable(client.config.url)))
      // Each reserves 30 slots of a burst of 5, then one per 20 ms, all as of the same instant.
      const args = [url, "whatsapp-number:shared", "30", String(Date.UTC(2030, 0, 1)), "5", "20", "2"]
      const outputs = yield* Effect.all([child(args), child(args)], { concurrency: 2 })
      const waits = outputs.flatMap((output) => decodeWaits(output))
      expect(waits).toHaveLength(60)
      // One budget's slots: the burst at once, then one every 20 ms; a per-process budget would
      // have given each process its own burst (10 at once) and every later slot twice.
      const oneBudget = [0, 0, 0, 0, 0, ...Array.from({ length: 55 }, (_, n) => (n + 1) * 20)]
      expect([...waits].sort((a, b) => a - b)).toEqual(oneBudget)
    }).pipe(Effect.scoped), 120_000)
})
