import { FetchHttpClient } from "@effect/platform"
import { Layer } from "effect"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { HttpImageFetcherLive } from "../../adapters/http-fetch/HttpImageFetcher.js"
import { SharpPreviewRendererLive } from "../../adapters/sharp/SharpPreviewRenderer.js"

/**
 * Pack previews: sample images downloaded over HTTP, contact sheets rendered by sharp, rebuilt in
 * the background for as long as the runtime lives. Uploads through the Messenger and keeps the
 * media ids in Packs, whichever adapters the runtime chose for those.
 */
export const PackPreviewsLive = PreviewRebuilds.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(SharpPreviewRendererLive, HttpImageFetcherLive.pipe(Layer.provide(FetchHttpClient.layer)))
  )
)
