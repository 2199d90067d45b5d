import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Schema } from "effect"
import { Prompt, Tune } from "../../../contracts/astria/index.js"
import { readTextFile, writeFileAtomically } from "../persistence.js"
import type { FakeAstriaOptions } from "./model.js"
import type { AstriaState } from "./state.js"
import type { Training } from "./training.js"

/**
 * The fake Astria's world kept in a directory: its tunes (saved models included) and prompts, the
 * ids it hands out next, likes, and the training images uploaded with each create, so that a
 * restarted development bot still finds the models its customers paid for. Rendered images are
 * drawn again from their keys; records and faults are a run's own.
 *
 * The fake listens on a new port after a restart: the URLs it gave out (tune, prompt and file
 * links) are moved to the new address when loaded.
 */

const preserve = { onExcessProperty: "preserve" } as const

const Snapshot = Schema.Struct({
  baseUrl: Schema.String,
  nextTuneId: Schema.Int,
  nextPromptId: Schema.Int,
  likes: Schema.Array(Schema.Int),
  tunes: Schema.Array(
    Schema.Struct({
      json: Schema.encodedSchema(Tune),
      packId: Schema.NullOr(Schema.Int),
      promptsCallback: Schema.NullOr(Schema.String),
      promptCallback: Schema.NullOr(Schema.String),
      characteristics: Schema.Record({ key: Schema.String, value: Schema.String }),
      promptIds: Schema.Array(Schema.Int),
      deleted: Schema.Boolean,
      rendered: Schema.Boolean
    })
  ),
  prompts: Schema.Array(Schema.Struct({ json: Schema.encodedSchema(Prompt), tuneId: Schema.Int })),
  uploads: Schema.Array(Schema.String)
})
const SnapshotJson = Schema.parseJson(Snapshot)
const decodeSnapshot = Schema.decodeUnknownSync(SnapshotJson, preserve)
const encodeSnapshot = Schema.encodeSync(SnapshotJson, preserve)

/** Upload keys are `orig-<tune>-<n>`; anything else in the file is not a name to touch the disk with. */
const isUploadKey = (key: string) => /^orig-\d+-\d+$/.test(key)

const saveEveryMs = 1_000

/** What a tune left unfinished by the last stop needs: the rest of its training and rendering. */
const unfinished = (tune: { readonly json: { readonly trained_at?: string | null | undefined }; readonly pack: unknown; readonly rendered: boolean; readonly deleted: boolean }) =>
  !tune.deleted && (tune.json.trained_at == null || (tune.pack !== undefined && !tune.rendered))

/**
 * Loads what `directory` holds into the state (the server already listening, so that links move to
 * its address), saves every second while it runs, and once more on `stop`. With a clock, tunes a
 * stop interrupted finish after the render time; without one, the control handle moves them.
 */
export const persistAstriaState = async (
  state: AstriaState,
  training: Training,
  directory: string,
  clock: FakeAstriaOptions["clock"]
): Promise<{ readonly stop: () => Promise<void> }> => {
  const stateFile = join(directory, "state.json")
  const uploadFile = (key: string) => join(directory, "uploads", key)
  const onDisk = new Set<string>()

  const load = async (text: string) => {
    const previous = decodeSnapshot(text).baseUrl
    // Every link it gave out is its address and a path: the address moves, a longer one that
    // merely starts the same (the bot's own callback URL) does not.
    const saved = decodeSnapshot(text.replaceAll(`${previous}/`, `${state.baseUrl}/`))
    state.nextTuneId = Math.max(state.nextTuneId, saved.nextTuneId)
    state.nextPromptId = Math.max(state.nextPromptId, saved.nextPromptId)
    state.likes.push(...saved.likes)
    for (const tune of saved.tunes) {
      state.tunes.set(tune.json.id, {
        json: { ...tune.json },
        pack: state.packs.find((pack) => pack.id === tune.packId),
        promptsCallback: tune.promptsCallback ?? undefined,
        promptCallback: tune.promptCallback ?? undefined,
        characteristics: tune.characteristics,
        promptIds: [...tune.promptIds],
        deleted: tune.deleted,
        rendered: tune.rendered
      })
    }
    for (const prompt of saved.prompts) state.prompts.set(prompt.json.id, { json: { ...prompt.json }, tuneId: prompt.tuneId })
    for (const key of saved.uploads.filter(isUploadKey)) {
      const bytes = await readFile(uploadFile(key)).catch(() => undefined)
      if (bytes === undefined) continue
      state.uploads.set(key, new Uint8Array(bytes))
      onDisk.add(key)
    }
    if (clock !== undefined) {
      for (const tune of state.tunes.values()) {
        if (unfinished(tune)) training.schedule(clock.renderMs, () => training.complete(tune.json.id))
      }
    }
  }
  const text = await readTextFile(stateFile)
  // A file it cannot read (another version's) costs the saved world, not the start.
  if (text !== undefined) {
    await load(text).catch((error: unknown) =>
      console.warn(`The fake Astria could not read its saved state in ${directory}; it starts empty: ${String(error)}`)
    )
  }

  let lastSaved = ""
  const save = async () => {
    const uploads = [...state.uploads.keys()].filter(isUploadKey)
    for (const key of uploads) {
      if (onDisk.has(key)) continue
      const bytes = state.uploads.get(key)
      if (bytes !== undefined) await writeFileAtomically(uploadFile(key), bytes)
      onDisk.add(key)
    }
    const snapshot = encodeSnapshot({
      baseUrl: state.baseUrl,
      nextTuneId: state.nextTuneId,
      nextPromptId: state.nextPromptId,
      likes: [...state.likes],
      tunes: [...state.tunes.values()].map((tune) => ({
        json: tune.json,
        packId: tune.pack?.id ?? null,
        promptsCallback: tune.promptsCallback ?? null,
        promptCallback: tune.promptCallback ?? null,
        characteristics: tune.characteristics,
        promptIds: tune.promptIds,
        deleted: tune.deleted,
        rendered: tune.rendered
      })),
      prompts: [...state.prompts.values()],
      uploads
    })
    if (snapshot === lastSaved) return
    await writeFileAtomically(stateFile, snapshot)
    lastSaved = snapshot
  }

  let saving = Promise.resolve()
  const saveInTurn = () => {
    saving = saving.then(save).catch((error: unknown) => console.warn(`The fake Astria could not save its state in ${directory}: ${String(error)}`))
    return saving
  }
  const timer = setInterval(() => void saveInTurn(), saveEveryMs)
  return {
    stop: async () => {
      clearInterval(timer)
      await saveInTurn()
    }
  }
}
