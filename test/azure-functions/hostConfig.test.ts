import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Cause, ConfigProvider, Effect, Exit, Layer, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { FunctionsBotFromConfig } from "../../runtimes/azure-functions/FunctionsParts.js"
import { envExampleSettings } from "../deploy/files.js"

const folder = join(import.meta.dirname, "..", "..", "runtimes", "azure-functions")
const readJson = (name: string): unknown => Schema.decodeUnknownSync(Schema.parseJson())(readFileSync(join(folder, name), "utf8"))

const Host = Schema.Struct({
  version: Schema.Literal("2.0"),
  extensionBundle: Schema.Struct({ id: Schema.Literal("Microsoft.Azure.Functions.ExtensionBundle"), version: Schema.String }),
  extensions: Schema.Struct({
    http: Schema.Struct({ routePrefix: Schema.Literal("") }),
    serviceBus: Schema.Struct({ autoCompleteMessages: Schema.Literal(true) }, { key: Schema.String, value: Schema.Unknown })
  })
}, { key: Schema.String, value: Schema.Unknown })

const LocalSettings = Schema.Struct({
  IsEncrypted: Schema.Literal(false),
  Values: Schema.Record({ key: Schema.String, value: Schema.String })
})

/** The Functions host's own settings, beside the bot's. */
const hostSettings = new Set(["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage"])
const credentials = ["WHATSAPP_API_KEY", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "ASTRIA_API_KEY", "PAYMENT_WEBHOOK_SECRET", "ADMIN_TOKEN"]

describe("the Functions app's configuration files", () => {
  it("host.json serves our paths at the root (routePrefix empty) and lets the host settle messages", () => {
    expect(() => Schema.decodeUnknownSync(Host)(readJson("host.json"))).not.toThrow()
  })

  it("local.settings.json is an example: known settings only, and no secret in it", () => {
    const { Values } = Schema.decodeUnknownSync(LocalSettings)(readJson("local.settings.json"))
    const known = envExampleSettings()
    expect(Object.keys(Values).filter((name) => !known.has(name) && !hostSettings.has(name))).toEqual([])
    expect(Values.FUNCTIONS_WORKER_RUNTIME).toBe("node")
    for (const name of credentials) expect(Values[name], name).toBe("")
    // The emulator's published placeholder key, not a real one.
    expect(Values.SERVICEBUS_CONNECTION_STRING).toContain("SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true")
  })

  it("a missing setting fails the cold start with its name", async () => {
    const exit = await Effect.runPromiseExit(
      Layer.build(FunctionsBotFromConfig).pipe(Effect.scoped, Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
    )
    expect(Exit.isFailure(exit) && Cause.pretty(exit.cause)).toContain("PUBLIC_BASE_URL")
  })
})
