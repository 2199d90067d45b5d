import { randomBytes } from "node:crypto"
import { Duration } from "effect"
import type { FakeGraphApiOptions } from "./model.js"

/** The fake's options with Meta's defaults filled in. */
export interface GraphSettings {
  readonly accessToken: string
  readonly appSecret: string
  readonly phoneNumberId: string
  readonly displayPhoneNumber: string
  readonly wabaId: string
  readonly version: string
  readonly throughputPerSecond: number
  readonly pairRate: { readonly burst: number; readonly interval: Duration.DurationInput } | "off"
  readonly customerServiceWindow: "sync" | "status" | "off"
  readonly mediaUrlLifetimeMs: number
  /** Signs media URLs, so a URL the fake did not hand out is refused. */
  readonly urlSecret: Uint8Array
  readonly autoStatuses: boolean
}

export const graphSettings = (options: FakeGraphApiOptions): GraphSettings => ({
  accessToken: options.accessToken ?? "fake-whatsapp-token",
  appSecret: options.appSecret ?? "fake-app-secret",
  phoneNumberId: options.phoneNumberId ?? "106540352242922",
  displayPhoneNumber: options.displayPhoneNumber ?? "15550783881",
  wabaId: options.wabaId ?? "102290129340398",
  version: options.version ?? "v23.0",
  throughputPerSecond: options.throughputPerSecond ?? 80,
  pairRate: options.pairRate ?? { burst: 45, interval: "6 seconds" },
  customerServiceWindow: options.customerServiceWindow ?? "sync",
  mediaUrlLifetimeMs: Duration.toMillis(options.mediaUrlLifetime ?? "5 minutes"),
  urlSecret: randomBytes(16),
  autoStatuses: options.autoStatuses === true
})
