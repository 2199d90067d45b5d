import { createHash } from "node:crypto"
import * as http from "node:http"
import type { Scope } from "effect"
import { Context, Effect, Either, Layer, Schema } from "effect"
import type {
  InspectionResultEncoded,
  PackDetailEncoded,
  PackListItemEncoded,
  PromptEncoded,
  TuneEncoded
} from "../../../contracts/astria/index.js"
import { imageFacts, renderImage } from "./images.js"
import type { FakePackSpec } from "./packs.js"
import { defaultFakePacks } from "./packs.js"
import type { Params, TuneParams } from "./params.js"
import { CreateTuneBody, InspectBody, paramsFromFormData } from "./params.js"

/**
 * A faithful fake of Astria's HTTP API on a loopback port, for the real adapter to talk to in
 * tests and in the embedded default. It keeps Astria's quirks on purpose: no status field, numbers
 * as strings, image URLs without an extension, a pack prompt's `tune_id` naming the base model,
 * wrapped callbacks that are never retried, and no idempotency on `title`.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface FakeAstriaOptions {
  readonly apiKey?: string
  readonly packs?: ReadonlyArray<FakePackSpec>
  /** Side of the rendered square images (pixels). */
  readonly imageSize?: number
  /**
   * Let time move tunes along by itself: training ends `trainingMs` after the create and the
   * images appear `renderMs` later. Without it, the control handle moves them.
   */
  readonly clock?: { readonly trainingMs: number; readonly renderMs: number }
  /**
   * Astria's opt-in account setting: a create with an existing title returns that tune. Off by
   * default, as on a fresh account, so that our own lookup-before-retry is what is tested.
   */
  readonly idempotentTitles?: boolean
}

export type FakeAstriaFaultStatus = 422 | 429 | 500 | 504

export interface FakeAstriaFault {
  /** 504 is answered after the request has been processed (the tune IS created); the others before. */
  readonly status: FakeAstriaFaultStatus
  readonly method?: string
  /** Applies to paths starting with this (default: every API path). */
  readonly path?: string
  /** How many matching requests get this answer (default 1). */
  readonly times?: number
  /** Body to answer with; a sensible one by default. */
  readonly body?: string
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly contentType: string
  /** Multipart or urlencoded text fields, every value of repeated keys in order. */
  readonly fields: Readonly<Record<string, ReadonlyArray<string>>>
  readonly files: ReadonlyArray<{ readonly field: string; readonly fileName: string; readonly type: string; readonly size: number }>
  /** The decoded JSON body, when it was JSON. */
  readonly json: unknown
  readonly status: number
}

export interface RecordedCallback {
  readonly url: string
  readonly body: string
  /** False when the drop-callbacks knob swallowed it. */
  readonly sent: boolean
  /** Our server's answer, when it answered. */
  readonly status: number | undefined
}

export interface InspectionInput {
  readonly name: string
  readonly bytes: Uint8Array
  readonly width: number
  readonly height: number
}

export interface FakeAstriaControl {
  /** Queued -> training. */
  readonly startTraining: (tuneId: number) => Effect.Effect<void>
  /** -> trained: the pack's prompts appear (without images) and the tune callback is posted. */
  readonly finishTraining: (tuneId: number) => Effect.Effect<void>
  /** Images appear behind every prompt; the pack's `prompts_callback` is posted with all of them. */
  readonly renderPrompts: (tuneId: number) => Effect.Effect<void>
  /** Whatever remains of training and rendering, callbacks included. */
  readonly complete: (tuneId: number) => Effect.Effect<void>
  readonly completeAll: Effect.Effect<void>
  readonly inject: (fault: FakeAstriaFault) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  readonly dropCallbacks: (drop: boolean) => Effect.Effect<void>
  /** Post every callback this many times (Astria does not, but our endpoint must not care). */
  readonly repeatCallbacks: (times: number) => Effect.Effect<void>
  readonly setInspection: (answer: (input: InspectionInput) => InspectionResultEncoded) => Effect.Effect<void>
  /** Tunes not deleted, newest first. */
  readonly tunes: Effect.Effect<ReadonlyArray<TuneEncoded>>
  readonly promptsOf: (tuneId: number) => Effect.Effect<ReadonlyArray<PromptEncoded>>
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly callbacks: Effect.Effect<ReadonlyArray<RecordedCallback>>
  readonly likes: Effect.Effect<ReadonlyArray<number>>
}

export interface FakeAstriaHandle {
  /** `http://127.0.0.1:<port>`: the adapter's `ASTRIA_API_URL`. */
  readonly baseUrl: string
  readonly apiKey: string
  readonly control: FakeAstriaControl
}

interface TuneRecord {
  json: Mutable<TuneEncoded>
  readonly pack: FakePackSpec | undefined
  readonly promptsCallback: string | undefined
  readonly promptCallback: string | undefined
  readonly characteristics: Readonly<Record<string, string>>
  promptIds: Array<number>
  deleted: boolean
  rendered: boolean
}

interface Answer {
  readonly status: number
  readonly body: string | Uint8Array
  readonly contentType: string
}

const json = (status: number, value: unknown): Answer => ({
  status,
  body: JSON.stringify(value),
  contentType: "application/json; charset=utf-8"
})
const empty = (status: number): Answer => ({ status, body: "", contentType: "text/plain" })
const notFound = json(404, { error: "Not found" })

const knownClasses = new Set(["man", "woman", "boy", "girl", "baby", "person", "couple", "cat", "dog"])
const thirtyDays = 30 * 24 * 60 * 60 * 1000
const defaultTrainingMs = 10 * 60 * 1000
const promptsPageSize = 20

const pick = <A>(items: ReadonlyArray<A>, seed: Uint8Array, at: number): A | undefined =>
  items[(seed[at] ?? 0) % items.length]

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

const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

interface ParsedBody {
  readonly params: Params
  readonly fields: Record<string, Array<string>>
  readonly files: Array<{ field: string; fileName: string; type: string; size: number }>
  readonly json: unknown
}

const parseBody = async (contentType: string, bytes: Buffer): Promise<ParsedBody | "malformed"> => {
  const fields: Record<string, Array<string>> = {}
  const files: Array<{ field: string; fileName: string; type: string; size: number }> = []
  if (bytes.length === 0) return { params: {}, fields, files, json: undefined }
  if (contentType.startsWith("application/json")) {
    try {
      const value: unknown = JSON.parse(bytes.toString("utf8"))
      const params: Params = Schema.is(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(value)
        ? jsonParams(value)
        : {}
      return { params, fields, files, json: value }
    } catch {
      return "malformed"
    }
  }
  if (contentType.startsWith("multipart/form-data") || contentType.startsWith("application/x-www-form-urlencoded")) {
    try {
      const form = await new Response(Uint8Array.from(bytes), { headers: { "content-type": contentType } }).formData()
      form.forEach((value, key) => {
        if (typeof value === "string") (fields[key] ??= []).push(value)
        else files.push({ field: key, fileName: value.name, type: value.type, size: value.size })
      })
      return { params: paramsFromFormData(form), fields, files, json: undefined }
    } catch {
      return "malformed"
    }
  }
  return { params: {}, fields, files, json: undefined }
}

/** JSON bodies carry the same tree; scalars become strings as they would in a form. */
const jsonParams = (value: Readonly<Record<string, unknown>>): Params => {
  const convert = (v: unknown): Params[string] =>
    Array.isArray(v)
      ? v.map(convert)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, convert(inner)]))
        : String(v)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]))
}

const start = async (options: FakeAstriaOptions): Promise<FakeAstriaHandle & { readonly stop: () => Promise<void> }> => {
  const apiKey = options.apiKey ?? "fake-astria-key"
  const packs = options.packs ?? defaultFakePacks
  const imageSize = options.imageSize ?? 512
  let baseUrl = ""

  const tunes = new Map<number, TuneRecord>()
  const prompts = new Map<number, { json: Mutable<PromptEncoded>; readonly tuneId: number }>()
  const uploads = new Map<string, Uint8Array>()
  const rendered = new Map<string, Promise<Uint8Array>>()
  const faults: Array<{ fault: FakeAstriaFault; remaining: number }> = []
  const requests: Array<RecordedRequest> = []
  const callbacks: Array<RecordedCallback> = []
  const likes: Array<number> = []
  const timers = new Set<NodeJS.Timeout>()
  let nextTuneId = 1_000
  let nextPromptId = 50_000
  let drop = false
  let repeat = 1
  let inspection = defaultInspection

  const fileUrl = (key: string) => `${baseUrl}/files/${key}`
  const now = () => new Date().toISOString()

  // Sample prompt ids are fixed per pack and class so that previews can be cached by them.
  const samplePromptId = (pack: FakePackSpec, className: string, index: number) =>
    pack.id * 1_000 + Object.keys(pack.prompts).indexOf(className) * 100 + index

  const packListItem = (pack: FakePackSpec): PackListItemEncoded => ({
    id: pack.id,
    slug: pack.slug,
    title: pack.title,
    cover_url: fileUrl(`pack-${pack.id}-cover`),
    base_tune_id: pack.baseTuneId,
    token: "ohwx",
    multiplier: "1.0",
    model_type: "lora",
    public_at: "2025-01-01T00:00:00.000Z",
    cost_mc_hash: Object.fromEntries(Object.keys(pack.prompts).map((c) => [c, pack.costCents * 1_000])),
    costs: costsOf(pack)
  })

  const costsOf = (pack: FakePackSpec) =>
    Object.fromEntries(
      Object.entries(pack.prompts).map(([c, texts]) => [
        c,
        { cost: pack.costCents, num_images: texts.length * pack.imagesPerPrompt }
      ])
    )

  const packDetail = (pack: FakePackSpec): PackDetailEncoded => ({
    id: pack.id,
    slug: pack.slug,
    title: pack.title,
    cover_url: fileUrl(`pack-${pack.id}-cover`),
    costs: costsOf(pack),
    prompts_per_class: Object.fromEntries(
      Object.entries(pack.prompts).map(([c, texts]) => [
        c,
        texts.map((text, i) => ({
          id: samplePromptId(pack, c, i),
          text,
          images: [0, 1, 2].map((n) => fileUrl(`sample-${pack.id}-${c}-${i}-${n}`))
        }))
      ])
    )
  })

  const post = async (url: string, body: unknown): Promise<void> => {
    const text = JSON.stringify(body)
    if (drop) {
      callbacks.push({ url, body: text, sent: false, status: undefined })
      return
    }
    for (let i = 0; i < repeat; i++) {
      const status = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: text })
        .then(async (res) => {
          await res.arrayBuffer()
          return res.status
        })
        // Astria does not retry a failed callback; neither do we.
        .catch(() => undefined)
      callbacks.push({ url, body: text, sent: true, status })
    }
  }

  const tuneOrDie = (tuneId: number): TuneRecord => {
    const tune = tunes.get(tuneId)
    if (tune === undefined || tune.deleted) throw new Error(`fake Astria has no tune ${tuneId}`)
    return tune
  }

  const startTraining = (tuneId: number) => {
    const tune = tuneOrDie(tuneId)
    if (tune.json.started_training_at == null) {
      tune.json = { ...tune.json, started_training_at: now(), updated_at: now() }
    }
  }

  const finishTraining = async (tuneId: number) => {
    startTraining(tuneId)
    const tune = tuneOrDie(tuneId)
    if (tune.json.trained_at != null) return
    const trainedAt = new Date()
    tune.json = {
      ...tune.json,
      trained_at: trainedAt.toISOString(),
      expires_at: new Date(trainedAt.getTime() + thirtyDays).toISOString(),
      updated_at: trainedAt.toISOString()
    }
    const texts = tune.pack?.prompts[tune.json.name ?? ""] ?? []
    for (const text of texts) {
      const id = nextPromptId++
      prompts.set(id, {
        tuneId,
        json: {
          id,
          tune_id: tune.pack?.baseTuneId ?? tuneId,
          text: text.replace(/\{\{(\w+)\}\}/g, (placeholder, key: string) => tune.characteristics[key] ?? placeholder),
          negative_prompt: "",
          num_images: tune.pack?.imagesPerPrompt ?? 1,
          cfg_scale: "3.0",
          steps: null,
          seed: String(id % 1_000),
          images: [],
          trained_at: null,
          started_training_at: trainedAt.toISOString(),
          created_at: trainedAt.toISOString(),
          updated_at: trainedAt.toISOString(),
          url: `${baseUrl}/tunes/${tuneId}/prompts/${id}.json`,
          user_error: null
        }
      })
      tune.promptIds.push(id)
    }
    if (tune.json.callback) await post(tune.json.callback, { tune: tune.json })
  }

  const renderPrompts = async (tuneId: number) => {
    const tune = tuneOrDie(tuneId)
    if (tune.json.trained_at == null) await finishTraining(tuneId)
    if (tune.rendered) return
    tune.rendered = true
    const doneAt = now()
    for (const id of tune.promptIds) {
      const prompt = prompts.get(id)
      if (prompt === undefined) continue
      const count = Number(prompt.json.num_images ?? 1)
      prompt.json = {
        ...prompt.json,
        images: Array.from({ length: count }, (_, n) => fileUrl(`prompt-${id}-${n}`)),
        trained_at: doneAt,
        updated_at: doneAt
      }
    }
    if (tune.promptCallback) {
      for (const id of tune.promptIds) {
        const prompt = prompts.get(id)
        if (prompt !== undefined) await post(tune.promptCallback, { prompt: prompt.json })
      }
    }
    if (tune.promptsCallback) {
      await post(
        tune.promptsCallback,
        tune.promptIds.flatMap((id) => {
          const prompt = prompts.get(id)
          return prompt === undefined ? [] : [prompt.json]
        })
      )
    }
  }

  const complete = async (tuneId: number) => {
    await finishTraining(tuneId)
    await renderPrompts(tuneId)
  }

  const schedule = (ms: number, task: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      task().catch(() => undefined)
    }, ms)
    timers.add(timer)
  }

  const validationFailure = (params: TuneParams, pack: FakePackSpec | undefined): Answer | undefined => {
    if (!params.title) return json(422, { title: ["can't be blank"] })
    if (!params.name || !knownClasses.has(params.name)) return json(422, { error: `Invalid class name: ${params.name ?? ""}` })
    if (pack !== undefined && pack.prompts[params.name] === undefined) {
      return json(422, { name: [`is not offered by pack ${pack.slug}`] })
    }
    const images = (params.images?.length ?? 0) + (params.image_urls?.length ?? 0)
    const reused = params.tune_ids ?? []
    if (images === 0 && reused.length === 0) return json(422, { images: ["can't be blank"] })
    const unusable = reused.filter((id) => {
      const tune = tunes.get(id)
      return tune === undefined || tune.deleted || tune.json.trained_at == null
    })
    if (unusable.length > 0) return json(422, { tune_ids: [`not found or not trained: ${unusable.join(", ")}`] })
    return undefined
  }

  const createTune = async (body: ParsedBody, pack: FakePackSpec | undefined): Promise<Answer> => {
    const decoded = Schema.decodeUnknownEither(CreateTuneBody)(body.params)
    if (Either.isLeft(decoded)) return json(422, { error: `param is missing or invalid: tune (${decoded.left.message})` })
    const params = decoded.right.tune
    const invalid = validationFailure(params, pack)
    if (invalid !== undefined) return invalid
    const existing = Array.from(tunes.values()).find((t) => !t.deleted && t.json.title === params.title)
    if (options.idempotentTitles && existing !== undefined) return json(200, existing.json)
    const id = nextTuneId++
    const created = new Date()
    const origImages: Array<string> = [...(params.image_urls ?? [])]
    let n = 0
    for (const image of params.images ?? []) {
      if (typeof image === "string") continue
      const key = `orig-${id}-${n++}`
      uploads.set(key, new Uint8Array(await image.arrayBuffer()))
      origImages.push(fileUrl(key))
    }
    const trainingMs = options.clock?.trainingMs ?? defaultTrainingMs
    const record: TuneRecord = {
      pack,
      promptsCallback: params.prompts_callback,
      promptCallback: params.prompt_attributes?.callback,
      characteristics: { ...params.characteristics, name: params.name ?? "" },
      promptIds: [],
      deleted: false,
      rendered: false,
      json: {
        id,
        title: params.title ?? null,
        name: params.name ?? null,
        token: "ohwx",
        eta: new Date(created.getTime() + trainingMs).toISOString(),
        callback: params.callback ?? null,
        base_tune_id: pack?.baseTuneId ?? null,
        branch: params.branch ?? "flux1",
        model_type: "lora",
        trained_at: null,
        started_training_at: null,
        expires_at: null,
        created_at: created.toISOString(),
        updated_at: created.toISOString(),
        url: `${baseUrl}/tunes/${id}.json`,
        orig_images: origImages
      }
    }
    tunes.set(id, record)
    if (options.clock) {
      const { renderMs } = options.clock
      schedule(0, async () => startTraining(id))
      schedule(trainingMs, () => finishTraining(id))
      schedule(trainingMs + renderMs, () => renderPrompts(id))
    }
    return json(201, record.json)
  }

  const inspect = async (body: ParsedBody): Promise<Answer> => {
    const decoded = Schema.decodeUnknownEither(InspectBody)(body.params)
    if (Either.isLeft(decoded)) return json(422, { error: decoded.left.message })
    const { file, name } = decoded.right
    if (!name) return json(422, { name: ["can't be blank"] })
    if (file === undefined) return json(422, { file: ["can't be blank"] })
    const bytes = new Uint8Array(await file.arrayBuffer())
    const facts = await imageFacts(bytes)
    if (facts === undefined) return json(422, { error: "Could not read the image" })
    return json(200, inspection({ name, bytes, ...facts }))
  }

  const liveTune = (id: number) => {
    const tune = tunes.get(id)
    return tune === undefined || tune.deleted ? undefined : tune
  }

  const route = async (method: string, url: URL, body: ParsedBody): Promise<Answer> => {
    const path = url.pathname.replace(/\.json$/, "")
    const parts = path.split("/").filter((p) => p !== "")
    const id = (i: number) => (/^\d+$/.test(parts[i] ?? "") ? Number(parts[i]) : Number.NaN)

    if (method === "GET" && path === "/packs") {
      const listedOnly = url.searchParams.get("listed") === "true"
      return json(200, packs.filter((p) => p.listed || !listedOnly).map(packListItem))
    }
    if (parts[0] === "p" && parts.length === 2 && method === "GET") {
      const pack = packs.find((p) => p.id === id(1))
      return pack === undefined ? notFound : json(200, packDetail(pack))
    }
    if (parts[0] === "p" && parts[2] === "tunes" && parts.length === 3 && method === "POST") {
      const pack = packs.find((p) => p.id === id(1))
      return pack === undefined ? notFound : createTune(body, pack)
    }
    if (path === "/tunes" && method === "POST") return createTune(body, undefined)
    if (path === "/tunes" && method === "GET") {
      const limit = Math.min(Number(url.searchParams.get("limit") ?? "20") || 20, 120)
      const before = Number(url.searchParams.get("before_id") ?? Number.POSITIVE_INFINITY)
      const page = Array.from(tunes.values())
        .filter((t) => !t.deleted && t.json.id < before)
        .sort((a, b) => b.json.id - a.json.id)
        .slice(0, limit)
        .map((t) => t.json)
      return json(200, page)
    }
    if (parts[0] === "tunes" && parts.length === 2) {
      const tune = liveTune(id(1))
      if (tune === undefined) return notFound
      if (method === "GET") return json(200, tune.json)
      if (method === "DELETE") {
        tune.deleted = true
        return empty(200)
      }
    }
    if (parts[0] === "tunes" && parts[2] === "prompts" && method === "GET") {
      const tune = liveTune(id(1))
      if (tune === undefined) return notFound
      if (parts.length === 3) {
        const offset = Number(url.searchParams.get("offset") ?? "0") || 0
        const page = tune.promptIds.slice(offset, offset + promptsPageSize).flatMap((pid) => {
          const prompt = prompts.get(pid)
          return prompt === undefined ? [] : [prompt.json]
        })
        return json(200, page)
      }
      const prompt = prompts.get(id(3))
      return parts.length === 4 && prompt !== undefined && prompt.tuneId === tune.json.id
        ? json(200, prompt.json)
        : notFound
    }
    if (parts[0] === "prompts" && parts[2] === "likes" && parts.length === 3 && method === "POST") {
      if (!prompts.has(id(1))) return notFound
      likes.push(id(1))
      return empty(201)
    }
    if (path === "/images/inspect" && method === "POST") return inspect(body)
    return notFound
  }

  const serveFile = async (key: string): Promise<Answer> => {
    const upload = uploads.get(key)
    if (upload !== undefined) return { status: 200, body: upload, contentType: "application/octet-stream" }
    if (!/^(pack-\d+-cover|sample-\d+-\w+-\d+-\d+|prompt-\d+-\d+)$/.test(key)) return notFound
    let image = rendered.get(key)
    if (image === undefined) {
      image = renderImage(key, imageSize)
      rendered.set(key, image)
    }
    return { status: 200, body: await image, contentType: "image/jpeg" }
  }

  const takeFault = (method: string, path: string): FakeAstriaFault | undefined => {
    const index = faults.findIndex(
      ({ fault }) => (fault.method === undefined || fault.method === method) && path.startsWith(fault.path ?? "/")
    )
    const entry = faults[index]
    if (entry === undefined) return undefined
    if (--entry.remaining <= 0) faults.splice(index, 1)
    return entry.fault
  }

  const faultAnswer = (fault: FakeAstriaFault): Answer => {
    if (fault.body !== undefined) return { status: fault.status, body: fault.body, contentType: "application/json" }
    switch (fault.status) {
      case 422:
        return json(422, { error: "Injected validation failure" })
      case 429:
        return json(429, { error: "Too many requests" })
      case 500:
        return json(500, { error: "Internal server error" })
      case 504:
        return { status: 504, body: "<html><body><h1>504 Gateway Time-out</h1></body></html>", contentType: "text/html" }
    }
  }

  const handle = async (req: http.IncomingMessage): Promise<Answer> => {
    const method = req.method ?? "GET"
    const url = new URL(req.url ?? "/", baseUrl)
    if (method === "GET" && url.pathname.startsWith("/files/")) return serveFile(url.pathname.slice("/files/".length))
    const contentType = req.headers["content-type"] ?? ""
    const bytes = await readBody(req)
    const parsed = await parseBody(contentType, bytes)
    const record = (status: number) =>
      requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        fields: parsed === "malformed" ? {} : parsed.fields,
        files: parsed === "malformed" ? [] : parsed.files,
        json: parsed === "malformed" ? undefined : parsed.json,
        status
      })
    const answer = await (async (): Promise<Answer> => {
      if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, { error: "Unauthorized" })
      if (parsed === "malformed") return json(400, { error: "Malformed body" })
      const fault = takeFault(method, url.pathname)
      if (fault !== undefined && fault.status !== 504) return faultAnswer(fault)
      const result = await route(method, url, parsed)
      return fault === undefined ? result : faultAnswer(fault)
    })()
    record(answer.status)
    return answer
  }

  const server = http.createServer((req, res) => {
    handle(req)
      .catch((error: unknown) => json(500, { error: `fake Astria failed: ${String(error)}` }))
      .then((answer) => {
        res.writeHead(answer.status, { "content-type": answer.contentType })
        res.end(answer.body)
      })
  })

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("fake Astria is not listening on TCP")
  baseUrl = `http://127.0.0.1:${address.port}`

  const run = (task: () => void | Promise<void>) => Effect.promise(async () => task())

  const control: FakeAstriaControl = {
    startTraining: (tuneId) => run(() => startTraining(tuneId)),
    finishTraining: (tuneId) => run(() => finishTraining(tuneId)),
    renderPrompts: (tuneId) => run(() => renderPrompts(tuneId)),
    complete: (tuneId) => run(() => complete(tuneId)),
    completeAll: run(async () => {
      for (const tune of Array.from(tunes.values())) if (!tune.deleted) await complete(tune.json.id)
    }),
    inject: (fault) => run(() => void faults.push({ fault, remaining: fault.times ?? 1 })),
    clearFaults: run(() => void faults.splice(0)),
    dropCallbacks: (value) => run(() => void (drop = value)),
    repeatCallbacks: (times) => run(() => void (repeat = Math.max(1, times))),
    setInspection: (answer) => run(() => void (inspection = answer)),
    tunes: Effect.sync(() =>
      Array.from(tunes.values())
        .filter((t) => !t.deleted)
        .sort((a, b) => b.json.id - a.json.id)
        .map((t) => t.json)
    ),
    promptsOf: (tuneId) =>
      Effect.sync(() =>
        (tunes.get(tuneId)?.promptIds ?? []).flatMap((id) => {
          const prompt = prompts.get(id)
          return prompt === undefined ? [] : [prompt.json]
        })
      ),
    requests: Effect.sync(() => [...requests]),
    callbacks: Effect.sync(() => [...callbacks]),
    likes: Effect.sync(() => [...likes])
  }

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      server.close(() => resolve())
    })

  return { baseUrl, apiKey, control, stop }
}

/** Starts the fake on an ephemeral loopback port for the life of the scope. */
export const makeFakeAstria = (options: FakeAstriaOptions = {}): Effect.Effect<FakeAstriaHandle, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(options)),
    (fake) => Effect.promise(() => fake.stop())
  ).pipe(Effect.map(({ apiKey, baseUrl, control }): FakeAstriaHandle => ({ apiKey, baseUrl, control })))

export class FakeAstria extends Context.Tag("whatsapp-astria-bot/harness/FakeAstria")<FakeAstria, FakeAstriaHandle>() {
  static readonly layer = (options: FakeAstriaOptions = {}): Layer.Layer<FakeAstria> =>
    Layer.scoped(FakeAstria, makeFakeAstria(options))
}
