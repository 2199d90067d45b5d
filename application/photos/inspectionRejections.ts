import type { PhotoInspection } from "../../domain/photos/Inspection.js"
import type { PhotoRejectionReason } from "../../domain/photos/PhotoRejection.js"

/** What an inspection found wrong with a photo, in no particular order (the domain orders them). */
export const inspectionRejections = (inspection: PhotoInspection): ReadonlyArray<PhotoRejectionReason> => [
  ...(inspection.className.trim() === "" ? (["no_person"] as const) : []),
  ...(inspection.lowResolution ? (["too_small"] as const) : []),
  ...(inspection.multiplePeople ? (["multiple_people"] as const) : []),
  ...(inspection.funnyFace ? (["funny_face"] as const) : []),
  ...(inspection.blurry ? (["blurry"] as const) : []),
  ...(inspection.sunglasses ? (["sunglasses"] as const) : []),
  ...(inspection.hat ? (["hat"] as const) : [])
]
