import { execFile } from "node:child_process"
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import { ServiceBusConfig } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { serviceBusEntities, subscriptionRules } from "../../adapters/service-bus/ServiceBusEntities.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { ConfigProvider, Effect } from "effect"
import { read, root } from "./files.js"

const run = promisify(execFile)
const script = join(root, "deploy/service-bus/create-entities.sh")

/**
 * Runs the script with a stand-in `az` that records each call's arguments (unit and record
 * separators between them), and answers every call with success.
 */
const azCalls = async (): Promise<ReadonlyArray<ReadonlyArray<string>>> => {
  const directory = mkdtempSync(join(tmpdir(), "az-"))
  const log = join(directory, "calls")
  writeFileSync(log, "")
  writeFileSync(join(directory, "az"), `#!/usr/bin/env bash\nfor arg in "$@"; do printf '%s\\037' "$arg"; done >> "${log}"\nprintf '\\036' >> "${log}"\n`)
  chmodSync(join(directory, "az"), 0o755)
  await run("bash", [script], { env: { PATH: `${directory}:/usr/bin:/bin`, RG: "bot-rg", SB: "bot-sb" } })
  return readFileSync(log, "utf8")
    .split("\u001e")
    .filter((call) => call !== "")
    .map((call) => call.split("\u001f").slice(0, -1))
}

const option = (call: ReadonlyArray<string>, flag: string) => {
  const index = call.indexOf(flag)
  return index >= 0 ? call[index + 1] : undefined
}
const command = (call: ReadonlyArray<string>, ...words: ReadonlyArray<string>) => words.every((word, i) => call[i] === word)

describe("deploy/service-bus/create-entities.sh", () => {
  it("creates the topic and the subscriptions the adapter and the consumers expect, and nothing else", async () => {
    const calls = await azCalls()
    const defaultTopic = Effect.runSync(Effect.withConfigProvider(ServiceBusConfig, ConfigProvider.fromMap(new Map([["SERVICEBUS_CONNECTION_STRING", "x"]])))).topic
    expect(serviceBusEntities.topic).toBe(defaultTopic)

    const topics = calls.filter((call) => command(call, "servicebus", "topic", "create"))
    expect(topics).toHaveLength(1)
    expect(option(topics[0]!, "--name")).toBe(serviceBusEntities.topic)
    expect(option(topics[0]!, "--enable-duplicate-detection")).toBe("true")
    expect(option(topics[0]!, "--duplicate-detection-history-time-window")).toBe(serviceBusEntities.duplicateDetectionWindow)

    const created = calls.filter((call) => command(call, "servicebus", "topic", "subscription", "create"))
    expect(created.map((call) => option(call, "--name")).sort()).toEqual(botSubscriptions.map((subscription) => subscription.name).sort())
    for (const call of created) {
      expect(option(call, "--topic-name")).toBe(serviceBusEntities.topic)
      expect(option(call, "--enable-session")).toBe(String(serviceBusEntities.requiresSession))
      expect(option(call, "--lock-duration")).toBe(serviceBusEntities.lockDuration)
      expect(option(call, "--max-delivery-count")).toBe(String(serviceBusEntities.maxDeliveryCount))
    }

    for (const subscription of botSubscriptions) {
      const ofIt = (verb: string) =>
        calls.filter(
          (call) => command(call, "servicebus", "topic", "subscription", "rule", verb) && option(call, "--subscription-name") === subscription.name
        )
      expect(ofIt("delete").map((call) => option(call, "--name"))).toEqual(["$Default"])
      expect(ofIt("create").map((call) => ({ name: option(call, "--name"), sqlFilter: option(call, "--filter-sql-expression") }))).toEqual(
        subscriptionRules(subscription)
      )
    }
  })

  it("is the script the deployment guides run", () => {
    expect(read("deploy/service-bus.md")).toContain("deploy/service-bus/create-entities.sh")
    expect(read("deploy/AZURE_FUNCTIONS.md")).toContain("deploy/service-bus/create-entities.sh")
  })
})
