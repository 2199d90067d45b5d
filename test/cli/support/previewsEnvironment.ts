import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect, Layer } from "effect"
import { ImageFetcher } from "../../../application/ports/ImageFetcher.js"
import { InMemoryWhatsAppLive } from "../../../adapters/memory/InMemoryMessenger.js"
import { SharpPreviewRendererLive } from "../../../adapters/sharp/SharpPreviewRenderer.js"

const samplePhoto = readFileSync(fileURLToPath(new URL("../../fixtures/photos/astronaut.jpg", import.meta.url)))

/** Previews for the command line's tests: every sample URL answers a real photo; uploads go to the in-memory WhatsApp. */
export const previewsInMemory = Layer.mergeAll(
  InMemoryWhatsAppLive,
  Layer.succeed(ImageFetcher, { fetch: () => Effect.succeed(new Uint8Array(samplePhoto)) }),
  SharpPreviewRendererLive.pipe(Layer.orDie)
)
