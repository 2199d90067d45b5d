import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PackRecord, Packs } from "../../application/ports/Packs.js"
import type { StoragePorts } from "../../application/ports/StoragePorts.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { PackId } from "../../domain/ids.js"
import type { CliEnvironment } from "../../runtimes/cli/CliEnvironment.js"
import type { NoPaymentProvider, NoSharedBroker } from "../../runtimes/cli/CliErrors.js"
import { inMemoryCliEnvironment } from "./support/previewsEnvironment.js"
import { buildShared, runCli, type Shared } from "./support/runCli.js"

let storage: Shared<StoragePorts>
let environment: CliEnvironment<NoSharedBroker | NoPaymentProvider>

beforeAll(async () => {
  storage = await buildShared(InMemoryStorage)
  environment = inMemoryCliEnvironment(storage.layer)
  await storage.run(
    Effect.flatMap(Packs, (packs) =>
      packs.sync([
        new PackRecord({
          id: PackId.make(77),
          slug: "studio",
          title: "Studio",
          tier: "Lite",
          coverUrl: Option.none(),
          samples: { man: ["https://samples.test/1", "https://samples.test/2"], woman: ["https://samples.test/3"] },
          previews: {},
          syncedAt: new Date()
        })
      ])
    )
  )
})
afterAll(() => storage.close())

describe("packs previews", () => {
  it("renders and uploads each pack's preview per class, with a progress bar, and keeps them the second time", async () => {
    const first = await runCli(environment, ["packs", "previews"])
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toContain("Uploaded 2 preview(s), kept 0, failed 0.")
    expect(first.stderr).toContain("[##########----------] 1/2 Studio")
    expect(first.stderr).toContain("[####################] 2/2 Studio")
    const stored = await storage.run(Effect.flatMap(Packs, (packs) => packs.get(PackId.make(77))))
    expect(Object.keys(Option.getOrThrow(stored).previews).sort()).toEqual(["man", "woman"])

    const second = await runCli(environment, ["packs", "previews"])
    expect(second.stdout).toContain("Uploaded 0 preview(s), kept 2, failed 0.")
    const forced = await runCli(environment, ["packs", "previews", "--force", "--json"])
    expect(JSON.parse(forced.stdout)).toMatchObject({ uploaded: 2, kept: 0, failed: [] })
  })
})
