import { Either, Schema } from "effect"
import { json, outOfCredits, type Answer } from "./answers.js"
import type { ParsedBody } from "./body.js"
import { fileUrl } from "./files.js"
import type { FakeAstriaOptions } from "./model.js"
import type { FakePackSpec } from "./packs.js"
import type { TuneParams } from "./params.js"
import { CreateTuneBody } from "./params.js"
import type { AstriaState, TuneRecord } from "./state.js"
import type { Training } from "./training.js"

/** `POST /tunes`, `POST /p/:id/tunes` and `GET /tunes`: creates checked as Astria checks them, no idempotency on title. */

const knownClasses = new Set(["man", "woman", "boy", "girl", "baby", "person", "couple", "cat", "dog"])
const defaultTrainingMs = 10 * 60 * 1000

const validationFailure = (state: AstriaState, params: TuneParams, pack: FakePackSpec | undefined): Answer | undefined => {
  if (!params.title) return json(422, { title: ["can't be blank"] })
  if (!params.name || !knownClasses.has(params.name)) return json(422, { error: `Invalid class name: ${params.name ?? ""}` })
  if (pack !== undefined && pack.prompts[params.name] === undefined) return json(422, { name: [`is not offered by pack ${pack.slug}`] })
  const images = (params.images?.length ?? 0) + (params.image_urls?.length ?? 0)
  const reused = params.tune_ids ?? []
  if (images === 0 && reused.length === 0) return json(422, { images: ["can't be blank"] })
  const unusable = reused.filter((id) => state.liveTune(id)?.json.trained_at == null)
  if (unusable.length > 0) return json(422, { tune_ids: [`not found or not trained: ${unusable.join(", ")}`] })
  return undefined
}

export const makeTunes = (options: FakeAstriaOptions, state: AstriaState, training: Training) => {
  const createTune = async (body: ParsedBody, pack: FakePackSpec | undefined): Promise<Answer> => {
    if (state.outOfCredits) return outOfCredits
    const decoded = Schema.decodeUnknownEither(CreateTuneBody)(body.params)
    if (Either.isLeft(decoded)) return json(422, { error: `param is missing or invalid: tune (${decoded.left.message})` })
    const params = decoded.right.tune
    const invalid = validationFailure(state, params, pack)
    if (invalid !== undefined) return invalid
    const existing = Array.from(state.tunes.values()).find((t) => !t.deleted && t.json.title === params.title)
    if (options.idempotentTitles && existing !== undefined) return json(200, existing.json)
    const id = state.nextTuneId++
    const created = new Date()
    const origImages: Array<string> = [...(params.image_urls ?? [])]
    let n = 0
    for (const image of params.images ?? []) {
      if (typeof image === "string") continue
      const key = `orig-${id}-${n++}`
      state.uploads.set(key, new Uint8Array(await image.arrayBuffer()))
      origImages.push(fileUrl(state, key))
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
        url: `${state.baseUrl}/tunes/${id}.json`,
        orig_images: origImages
      }
    }
    state.tunes.set(id, record)
    if (options.clock) {
      const { renderMs } = options.clock
      training.schedule(0, async () => training.startTraining(id))
      training.schedule(trainingMs, () => training.finishTraining(id))
      training.schedule(trainingMs + renderMs, () => training.renderPrompts(id))
    }
    return json(201, record.json)
  }

  /** Newest first, paged by `before_id`, at most 120 a page; an offset above 200 is refused (docs/api/0-tune/4-list.md). */
  const listTunes = (url: URL): Answer => {
    if ((Number(url.searchParams.get("offset") ?? "0") || 0) > 200) {
      return json(400, { error: "offset above 200 is not supported; page with before_id" })
    }
    const limit = Math.min(Number(url.searchParams.get("limit") ?? "20") || 20, 120)
    const before = Number(url.searchParams.get("before_id") ?? Number.POSITIVE_INFINITY)
    const page = Array.from(state.tunes.values())
      .filter((t) => !t.deleted && t.json.id < before)
      .sort((a, b) => b.json.id - a.json.id)
      .slice(0, limit)
      .map((t) => t.json)
    return json(200, page)
  }

  return { createTune, listTunes }
}

export type Tunes = ReturnType<typeof makeTunes>
