import { Schema } from "effect"
import { IntLike } from "../../../contracts/astria/index.js"

/**
 * Rails-style nested parameters, as Astria reads them from either body style: multipart keys like
 * `tune[images][]` (repeated) and `tune[characteristics][eye_color]`, or the same tree as JSON.
 */
export type ParamValue = string | Blob | Params | Array<ParamValue>
export interface Params {
  [key: string]: ParamValue
}

const keySegments = (key: string): Array<string> => {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
  if (match === null) return [key]
  return [match[1] ?? key, ...Array.from((match[2] ?? "").matchAll(/\[([^[\]]*)\]/g), (m) => m[1] ?? "")]
}

const isParams = (value: ParamValue | undefined): value is Params =>
  value !== undefined && typeof value === "object" && !(value instanceof Blob) && !Array.isArray(value)

const assign = (target: Params, segments: ReadonlyArray<string>, value: string | Blob): void => {
  const [head, ...rest] = segments
  if (head === undefined) return
  if (rest.length === 0) {
    target[head] = value
    return
  }
  if (rest[0] === "") {
    const existing = target[head]
    const list: Array<ParamValue> = Array.isArray(existing) ? existing : []
    target[head] = list
    if (rest.length === 1) list.push(value)
    else {
      // `a[][b]`: a new hash unless the last one lacks that key yet (Rails' rule).
      const last = list[list.length - 1]
      const key = rest[1] ?? ""
      const hash = isParams(last) && !(key in last) ? last : {}
      if (hash !== last) list.push(hash)
      assign(hash, rest.slice(1), value)
    }
    return
  }
  const existing = target[head]
  const child: Params = isParams(existing) ? existing : {}
  target[head] = child
  assign(child, rest, value)
}

export const paramsFromFormData = (form: FormData): Params => {
  const params: Params = {}
  form.forEach((value, key) => assign(params, keySegments(key), value))
  return params
}

const Upload = Schema.Union(Schema.instanceOf(Blob), Schema.String)

/** The `tune` parameters of `POST /tunes` and `POST /p/:id/tunes`. */
export const TuneParams = Schema.Struct({
  title: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  branch: Schema.optional(Schema.String),
  callback: Schema.optional(Schema.String),
  prompts_callback: Schema.optional(Schema.String),
  characteristics: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  images: Schema.optional(Schema.Array(Upload)),
  image_urls: Schema.optional(Schema.Array(Schema.String)),
  tune_ids: Schema.optional(Schema.Array(IntLike)),
  prompt_ids: Schema.optional(Schema.Array(IntLike)),
  /** `prompt_attributes[callback]`: each prompt posts `{"prompt": ...}` here when its images are ready. */
  prompt_attributes: Schema.optional(Schema.Struct({ callback: Schema.optional(Schema.String) }))
})
export type TuneParams = typeof TuneParams.Type

export const CreateTuneBody = Schema.Struct({ tune: TuneParams })

export const InspectBody = Schema.Struct({
  name: Schema.optional(Schema.String),
  file: Schema.optional(Schema.instanceOf(Blob)),
  file_url: Schema.optional(Schema.String)
})
