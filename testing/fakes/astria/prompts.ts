import { postCallback } from "./callbacks.js"
import { fileUrl } from "./files.js"
import type { AstriaState, TuneRecord } from "./state.js"

/**
 * A tune's prompts: created from its pack when training ends (a pack prompt's `tune_id` names
 * the base model, as on Astria), then given their images, with the prompt callbacks.
 */

export const addPackPrompts = (state: AstriaState, tune: TuneRecord, trainedAt: string): void => {
  const tuneId = tune.json.id
  for (const text of tune.pack?.prompts[tune.json.name ?? ""] ?? []) {
    const id = state.nextPromptId++
    state.prompts.set(id, {
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
        started_training_at: trainedAt,
        created_at: trainedAt,
        updated_at: trainedAt,
        url: `${state.baseUrl}/tunes/${tuneId}/prompts/${id}.json`,
        user_error: null
      }
    })
    tune.promptIds.push(id)
  }
}

const giveImages = (state: AstriaState, id: number, doneAt: string): void => {
  const prompt = state.prompts.get(id)
  if (prompt === undefined || prompt.json.trained_at != null) return
  const count = Number(prompt.json.num_images ?? 1)
  prompt.json = {
    ...prompt.json,
    images: Array.from({ length: count }, (_, n) => fileUrl(state, `prompt-${id}-${n}`)),
    trained_at: doneAt,
    updated_at: doneAt
  }
}

/**
 * Images appear behind the first `count` prompts only, as while Astria is part-way through a pack.
 * No callback: the pack's `prompts_callback` waits for every prompt.
 */
export const showSomeImages = (state: AstriaState, tune: TuneRecord, count: number): void => {
  const doneAt = new Date().toISOString()
  for (const id of tune.promptIds.slice(0, count)) giveImages(state, id, doneAt)
}

/** Images appear behind every prompt; each `prompt_attributes[callback]`, then the pack's `prompts_callback`. */
export const showImages = async (state: AstriaState, tune: TuneRecord): Promise<void> => {
  const doneAt = new Date().toISOString()
  for (const id of tune.promptIds) giveImages(state, id, doneAt)
  if (tune.promptCallback) {
    for (const prompt of state.promptsOf(tune)) await postCallback(state, tune.promptCallback, { prompt })
  }
  if (tune.promptsCallback) await postCallback(state, tune.promptsCallback, state.promptsOf(tune))
}
