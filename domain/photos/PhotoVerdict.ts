import { Data } from "effect"
import type { PhotoInspection } from "./Inspection.js"
import type { PhotoRejectionReason } from "./PhotoRejection.js"

/** What the photo checks decided about one photo; the inspection is there when Astria inspected it. */
export type PhotoVerdict = Data.TaggedEnum<{
  Accepted: { readonly inspection?: PhotoInspection }
  Rejected: { readonly reason: PhotoRejectionReason; readonly inspection?: PhotoInspection }
}>
export const PhotoVerdict = Data.taggedEnum<PhotoVerdict>()
