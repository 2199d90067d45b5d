import { NodeHttpClient } from "@effect/platform-node"

/**
 * The HTTP client the WhatsApp Cloud adapter runs on, in production and in its tests: undici's own
 * client rather than `fetch` (the same undici under Web streams and Request objects). Two calls per
 * answered message, a read receipt and the reply, cost 0.47-0.76 ms of CPU each against 1.1-2.3 ms
 * by `fetch` (Effect's HttpClient over each, 3000 POSTs at 16 at once to a local stand-in,
 * 2026-12-06); bench/whole-bot, two rounds each: 10.3 ms of CPU per answered message against 12.5.
 * Media uploads send their multipart body as bytes (`uploadMedia`), which any client sends. Not in
 * the adapters' index, whose importers need no `@effect/platform-node` (docs/PACKAGE.md).
 */
export const WhatsAppCloudHttpClient = NodeHttpClient.layerUndici
