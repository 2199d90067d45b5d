import { Duration, Redacted } from "effect"
import type { WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"

/** The WhatsApp Cloud adapter's settings for tests that give it a Graph API of their own; each overrides what it is about. */
export const whatsAppCloudTestSettings = (overrides: Partial<WhatsAppCloudSettings>): WhatsAppCloudSettings => ({
  apiUrl: "http://graph.test/v23.0",
  numberId: "106540352242922",
  apiKey: Redacted.make("token"),
  throughputPerSecond: 80,
  recipientBurst: 12,
  recipientInterval: Duration.seconds(6),
  retryBase: Duration.millis(20),
  retryAttempts: 1,
  pairBackoffBase: Duration.millis(50),
  pairRetryAttempts: 1,
  requestTimeout: Duration.seconds(5),
  ...overrides
})
