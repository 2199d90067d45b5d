import { Context, Schema } from "effect"
import type { Effect } from "effect"

/** The image could not be had now (network, timeout, 5xx, 429): worth trying again later. */
export class ImageUnavailable extends Schema.TaggedError<ImageUnavailable>()("ImageUnavailable", {
  message: Schema.String
}) {}

/** The link will not give a usable image (4xx, not http(s), empty, larger than allowed). */
export class ImageRefused extends Schema.TaggedError<ImageRefused>()("ImageRefused", {
  message: Schema.String
}) {}

export type ImageFetchError = ImageUnavailable | ImageRefused

/** Downloads public images by URL (a pack's sample images), bounded in size and time. */
export class ImageFetcher extends Context.Tag("whatsapp-astria-bot/ImageFetcher")<
  ImageFetcher,
  { readonly fetch: (url: string) => Effect.Effect<Uint8Array, ImageFetchError> }
>() {}
