import { createHash } from "node:crypto"
import { Either, Schema } from "effect"
import type { InspectionResultEncoded } from "../../../contracts/astria/index.js"
import { inspectionClasses, inspectionNone } from "../../../contracts/astria/index.js"
import { json, type Answer } from "./answers.js"
import type { ParsedBody } from "./body.js"
import { imageFacts } from "./images.js"
import type { InspectionInput } from "./model.js"
import { InspectBody } from "./params.js"

/** `POST /images/inspect`: what Astria sees in a photo, deterministic unless a test sets the answer. */

const pick = <A>(items: ReadonlyArray<A>, seed: Uint8Array, at: number): A | undefined => items[(seed[at] ?? 0) % items.length]

const isInspectionClass = (name: string): boolean => inspectionClasses.some((known) => known === name)
const isAdult = (name: string): boolean => name === "man" || name === "woman"

/**
 * Deterministic (the same bytes, the same answer) and only with values Astria documents
 * (docs/api/4-images/1-inspect.md). It finds whoever it was asked about, so that a photo alone
 * never tells the class (each class asked is confirmed); asked about anything else (a "person"),
 * it finds "NONE". A test that wants a photo of someone in particular sets the answer.
 */
export const defaultInspection = (input: InspectionInput): InspectionResultEncoded => {
  const seed = createHash("sha256").update(input.bytes).digest()
  if (!isInspectionClass(input.name)) return { name: inspectionNone }
  const adult = isAdult(input.name)
  return {
    name: input.name,
    body_type: pick(["slim body", "average body", "muscular body"], seed, 6) ?? null,
    ethnicity: pick(["caucasian", "hispanic", "asian", "african", "arabic"], seed, 1) ?? null,
    age: adult ? (pick(["20 yo", "30 yo", "40 yo"], seed, 0) ?? null) : null,
    glasses: pick(["glasses", inspectionNone, inspectionNone], seed, 5) ?? null,
    eye_color: pick(["brown eyes", "blue eyes", "green eyes", "gray eyes"], seed, 2) ?? null,
    hair_color: pick(["black hair", "brown hair", "blonde hair", "red hair"], seed, 3) ?? null,
    hair_length: pick(["short hair", "medium hair", "long hair"], seed, 7) ?? null,
    hair_style: pick(["straight hair", "wavy hair", "curly hair"], seed, 8) ?? null,
    facial_hair: input.name === "man" ? (pick(["beard", "mustache", inspectionNone], seed, 4) ?? null) : inspectionNone,
    is_bald: inspectionNone,
    headcover: inspectionNone,
    funny_face: false,
    wearing_sunglasses: false,
    wearing_hat: false,
    blurry: false,
    includes_multiple_people: false,
    full_body_image_or_longshot: false,
    selfie: true,
    low_resolution: Math.min(input.width, input.height) < 512,
    low_quality: false
  }
}

/** Answers with `answer`: the default, or what a test set. */
export const inspect = async (answer: (input: InspectionInput) => InspectionResultEncoded, body: ParsedBody): Promise<Answer> => {
  const decoded = Schema.decodeUnknownEither(InspectBody)(body.params)
  if (Either.isLeft(decoded)) return json(422, { error: decoded.left.message })
  const { file, name } = decoded.right
  if (!name) return json(422, { name: ["can't be blank"] })
  if (file === undefined) return json(422, { file: ["can't be blank"] })
  const bytes = new Uint8Array(await file.arrayBuffer())
  const facts = await imageFacts(bytes)
  if (facts === undefined) return json(422, { error: "Could not read the image" })
  return json(200, answer({ name, bytes, ...facts }))
}
