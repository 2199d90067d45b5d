import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Array as Arr } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = resolve(import.meta.dirname, "../..")
// Asynchronous, so the test worker keeps answering vitest during minutes of packing and installing.
const execFileAsync = promisify(execFile)
const run = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  (await execFileAsync(command, [...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })).stdout

/** The published subpaths, each imported by a consumer the way an embedding team would. */
const subpaths = ["", "/domain", "/application", "/contracts", "/adapters", "/runtimes", "/testing"] as const

/** The command the package installs; its row in docs/PACKAGE.md is named after it. */
const command = "whatsapp-astria-bot"

interface Needs {
  /** A subpath as package.json "exports" spells it (`.`, `./domain`), or the command. */
  readonly entry: string
  readonly peers: ReadonlyArray<string>
}

/** The table "What each subpath needs" of docs/PACKAGE.md: the promise this test holds the package to. */
const documentedNeeds = (): ReadonlyArray<Needs> => {
  const doc = readFileSync(join(root, "docs/PACKAGE.md"), "utf8")
  const section = doc.slice(doc.indexOf("## What each subpath needs"))
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [entryCell = "", peersCell = ""] = line.split("|").slice(1)
      const quoted = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!)
      return { entry: quoted(entryCell)[0]!, peers: quoted(peersCell) }
    })
}

/** A fresh project depending on the tarball and on the given peers, at the versions this project uses. */
const installConsumer = async (
  folder: string,
  tarball: string,
  peers: ReadonlyArray<string>,
  versions: Readonly<Record<string, string>>
): Promise<void> => {
  mkdirSync(folder)
  writeFileSync(
    join(folder, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: Object.fromEntries([["whatsapp-astria-bot", `file:${tarball}`], ...peers.map((name) => [name, versions[name]!])])
    })
  )
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], folder)
}

// The tarball and each consumer's node_modules (about 240 MB apiece) are gone whatever the outcome.
const scratch = mkdtempSync(join(tmpdir(), "wab-consumer-"))
let tarball = ""
let own: Record<string, string> = {}

beforeAll(async () => {
  const packed = (await run("npm", ["pack", "--silent", "--pack-destination", scratch], root)).trim().split("\n").at(-1)!
  tarball = join(scratch, packed)
  own = JSON.parse(await run("npm", ["pkg", "get", "devDependencies"], root)) as Record<string, string>
}, 600_000)

// Removed asynchronously, with time to spare: a synchronous removal of a gigabyte of small files
// held the worker past vitest's 60 s hook limit, and from answering vitest, on a loaded machine.
afterAll(() => rm(scratch, { recursive: true, force: true }), 600_000)

describe("the published package", () => {
  it(
    "packs, installs into a fresh project with one copy of effect, imports every subpath and type-checks a consumer",
    async () => {
      // The peers an embedding team installs next to the package, at the versions this project uses.
      const peers = ["effect", "@effect/platform", "@effect/platform-node", "@effect/sql", "@effect/sql-pg", "@effect/cluster", "@effect/rpc", "@effect/experimental", "@effect/opentelemetry", "@opentelemetry/api", "@effect/vitest", "vitest", "typescript", "@types/node"]
      const consumer = join(scratch, "consumer")
      await installConsumer(consumer, tarball, peers, own)

      const effectCopies = (await run("npm", ["ls", "effect", "--all", "--parseable"], consumer))
        .split("\n")
        .filter((line) => line.endsWith("/node_modules/effect"))
      expect(new Set(effectCopies).size).toBe(1)

      writeFileSync(
        join(consumer, "consumer.ts"),
        [
          `import { decide, newConversation } from "whatsapp-astria-bot/domain"`,
          `import { Users, ingestInboundEvents } from "whatsapp-astria-bot/application"`,
          `import { BotApi, WhatsApp } from "whatsapp-astria-bot/contracts"`,
          `import { InMemoryStorage } from "whatsapp-astria-bot/adapters"`,
          `import { botLayer } from "whatsapp-astria-bot/runtimes"`,
          `import { harnessBot, BotDriver } from "whatsapp-astria-bot/testing"`,
          `import { eventBrokerSuite } from "whatsapp-astria-bot/testing/port-suites"`,
          `export const used = [decide, newConversation, Users, ingestInboundEvents, BotApi, WhatsApp.normalizeWebhook, InMemoryStorage, botLayer, harnessBot, BotDriver, eventBrokerSuite]`
        ].join("\n")
      )
      writeFileSync(
        join(consumer, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
          files: ["consumer.ts"]
        })
      )
      await run(join(consumer, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], consumer)

      const imports = subpaths.map((subpath) => `await import("whatsapp-astria-bot${subpath}")`).join(";")
      const loaded = await run("node", ["--input-type=module", "-e", `${imports}; console.log("loaded")`], consumer)
      expect(loaded.trim()).toBe("loaded")
      expect(readdirSync(join(consumer, "node_modules/whatsapp-astria-bot/dist"))).toContain("domain")
    },
    600_000
  )

  it(
    "loads each subpath, and runs the command, with only the peers docs/PACKAGE.md names for it",
    async () => {
      const needs = documentedNeeds()
      const exported = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports as Record<string, unknown>)
      expect(needs.map((row) => row.entry).sort()).toEqual([...exported.filter((entry) => entry !== "./package.json"), command].sort())
      const peerDependencies = JSON.parse(await run("npm", ["pkg", "get", "peerDependencies"], root)) as Record<string, string>
      for (const row of needs) for (const peer of row.peers) expect(Object.keys(peerDependencies)).toContain(peer)

      // One consumer per distinct set of peers, installed side by side.
      const byPeers = Arr.groupBy(needs, (row) => [...row.peers].sort().join(" "))
      const outcomes = await Promise.all(
        Object.values(byPeers).map(async (rows, index) => {
          const consumer = join(scratch, `only-${index}`)
          await installConsumer(consumer, tarball, rows[0]!.peers, own)
          return Promise.all(
            rows.map(async ({ entry }) => {
              if (entry === command) {
                const help = await run(join(consumer, "node_modules/.bin", command), ["--help"], consumer)
                return { entry, ok: help.includes("users erase") }
              }
              const specifier = `whatsapp-astria-bot${entry.slice(1)}`
              if (entry === "./testing/port-suites") {
                // The suites are vitest tests, which load only inside a vitest run.
                writeFileSync(
                  join(consumer, "load.test.js"),
                  `import { expect, it } from "@effect/vitest"\nimport * as suites from ${JSON.stringify(specifier)}\nit("loads", () => expect(Object.keys(suites)).not.toEqual([]))\n`
                )
                await run(join(consumer, "node_modules/.bin/vitest"), ["run", "load.test.js"], consumer)
                return { entry, ok: true }
              }
              const loaded = await run("node", ["--input-type=module", "-e", `await import(${JSON.stringify(specifier)}); console.log("loaded")`], consumer)
              return { entry, ok: loaded.trim() === "loaded" }
            })
          )
        })
      )
      expect(outcomes.flat().filter((outcome) => !outcome.ok)).toEqual([])
    },
    900_000
  )
})
