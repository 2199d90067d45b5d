import { createHash } from "node:crypto"
import { Either, Schema } from "effect"
import type { InspectionResultEncoded } from "../../../contracts/astria/index.js"
import { json, type Answer } from "./answers.js"
import type { ParsedBody } from "./body.js"
import { imageFacts } from "./images.js"
import type { InspectionInput } from "./model.js"
import { InspectBody } from "./params.js"

/** `POST /images/inspect`: what Astria sees in a photo, deterministic unless a test sets the answer. */

const pick = <A>(items: ReadonlyArray<A>, seed: Uint8Array, at: number): A | undefined => items[(seed[at] ?? 0) % items.length]

/** Deterministic: the same bytes always get the same answer. */
export const defaultInspection = (input: InspectionInput): InspectionResultEncoded => {
  const seed = createHash("sha256").update(input.bytes).digest()
  return {
    name: input.name,
    age: pick(["20-29", "30-39", "40-49"], seed, 0) ?? null,
    ethnicity: pick(["caucasian", "hispanic", "asian", "african", "middle eastern"], seed, 1) ?? null,
    eye_color: pick(["brown", "blue", "green", "hazel"], seed, 2) ?? null,
    hair_color: pick(["black", "brown", "blond", "red"], seed, 3) ?? null,
    facial_hair: input.name === "man" ? (pick(["none", "stubble", "beard"], seed, 4) ?? null) : "",
    glasses: "none",
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
