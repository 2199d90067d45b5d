import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { describe, expect, it, onTestFinished } from "vitest"

const root = resolve(import.meta.dirname, "../..")
// Asynchronous, so the test worker keeps answering vitest during minutes of packing and installing.
const execFileAsync = promisify(execFile)
const run = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  (await execFileAsync(command, [...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })).stdout

/** The published subpaths, each imported by a consumer the way an embedding team would. */
const subpaths = ["", "/domain", "/application", "/contracts", "/adapters", "/runtimes", "/testing"] as const

describe("the published package", () => {
  it(
    "packs, installs into a fresh project with one copy of effect, imports every subpath and type-checks a consumer",
    async () => {
      const scratch = mkdtempSync(join(tmpdir(), "wab-consumer-"))
      // The tarball and the consumer's node_modules are about 240 MB: gone whatever the outcome.
      onTestFinished(() => rmSync(scratch, { recursive: true, force: true }))
      const packed = (await run("npm", ["pack", "--silent", "--pack-destination", scratch], root)).trim().split("\n").at(-1)!
      const tarball = join(scratch, packed)
      const own = JSON.parse(await run("npm", ["pkg", "get", "devDependencies"], root)) as Record<string, string>
      // The peers an embedding team installs next to the package, at the versions this project uses.
      const peers = ["effect", "@effect/platform", "@effect/platform-node", "@effect/sql", "@effect/sql-pg", "@effect/cluster", "@effect/rpc", "@effect/experimental", "@effect/opentelemetry", "@opentelemetry/api", "@effect/vitest", "vitest", "typescript", "@types/node"]
      const consumer = join(scratch, "consumer")
      mkdirSync(consumer)
      writeFileSync(
        join(consumer, "package.json"),
        JSON.stringify({
          name: "consumer",
          private: true,
          type: "module",
          dependencies: Object.fromEntries([["whatsapp-astria-bot", `file:${tarball}`], ...peers.map((name) => [name, own[name]!])])
        })
      )
      await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], consumer)

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
})
