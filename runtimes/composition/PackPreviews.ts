import { FetchHttpClient } from "@effect/platform"
import { Layer } from "effect"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { PreviewRenewal } from "../../application/catalogue/PreviewRenewal.js"
import { HttpImageFetcherLive } from "../../adapters/http-fetch/HttpImageFetcher.js"
import { SharpPreviewRendererLive } from "../../adapters/sharp/SharpPreviewRenderer.js"

/** Sample images downloaded over HTTP, contact sheets rendered by sharp. */
const RenderingLive = Layer.mergeAll(SharpPreviewRendererLive, HttpImageFetcherLive.pipe(Layer.provide(FetchHttpClient.layer)))

/**
 * Pack previews uploaded again for the outbound sender when WhatsApp no longer holds one, through
 * the Messenger and Packs the runtime chose.
 */
export const PreviewRenewalLive = PreviewRenewal.layer.pipe(Layer.provide(RenderingLive))

/**
 * Pack previews: rebuilt in the background for as long as the runtime lives, and uploaded again
 * when WhatsApp no longer holds one. Uploads through the Messenger and keeps the media ids in
 * Packs, whichever adapters the runtime chose for those.
 */
export const PackPreviewsLive = Layer.mergeAll(PreviewRebuilds.layer, PreviewRenewal.layer).pipe(Layer.provideMerge(RenderingLive))
