import type { InspectionResultEncoded, PromptEncoded, TuneEncoded } from "../../../contracts/astria/index.js"
import { defaultInspection } from "./inspection.js"
import type { FakeAstriaFault, FakeAstriaOptions, InspectionInput, RecordedCallback, RecordedRequest } from "./model.js"
import type { FakePackSpec } from "./packs.js"
import { defaultFakePacks } from "./packs.js"

/** What the fake Astria remembers: tunes, prompts, files, faults, knobs and records. */

export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface TuneRecord {
  json: Mutable<TuneEncoded>
  readonly pack: FakePackSpec | undefined
  readonly promptsCallback: string | undefined
  readonly promptCallback: string | undefined
  readonly characteristics: Readonly<Record<string, string>>
  promptIds: Array<number>
  deleted: boolean
  rendered: boolean
}

export interface PromptRecord {
  json: Mutable<PromptEncoded>
  readonly tuneId: number
}

export const makeAstriaState = (options: FakeAstriaOptions) => {
  const tunes = new Map<number, TuneRecord>()
  const prompts = new Map<number, PromptRecord>()
  const faults: Array<{ fault: FakeAstriaFault; remaining: number }> = []
  const requests: Array<RecordedRequest> = []
  const callbacks: Array<RecordedCallback> = []
  const likes: Array<number> = []
  const inspection: (input: InspectionInput) => InspectionResultEncoded = defaultInspection

  const liveTune = (id: number): TuneRecord | undefined => {
    const tune = tunes.get(id)
    return tune === undefined || tune.deleted ? undefined : tune
  }

  return {
    apiKey: options.apiKey ?? "fake-astria-key",
    packs: options.packs ?? defaultFakePacks,
    imageSize: options.imageSize ?? 512,
    /** Known once the server listens. */
    baseUrl: "",
    tunes,
    prompts,
    /** Training images uploaded with a create, by file key. */
    uploads: new Map<string, Uint8Array>(),
    /** Rendered images by file key: the same URL always serves the same bytes. */
    rendered: new Map<string, Promise<Uint8Array>>(),
    faults,
    requests,
    callbacks,
    likes,
    timers: new Set<NodeJS.Timeout>(),
    nextTuneId: 1_000,
    nextPromptId: 50_000,
    dropCallbacks: false,
    /** The account's balance is used up: every create answers 402 until it is topped up. */
    outOfCredits: false,
    repeatCallbacks: 1,
    inspection,
    liveTune,
    tuneOrDie: (id: number): TuneRecord => {
      const tune = liveTune(id)
      if (tune === undefined) throw new Error(`fake Astria has no tune ${id}`)
      return tune
    },
    /** The tune's prompts in creation order. */
    promptsOf: (tune: TuneRecord): Array<Mutable<PromptEncoded>> =>
      tune.promptIds.flatMap((id) => {
        const prompt = prompts.get(id)
        return prompt === undefined ? [] : [prompt.json]
      })
  }
}

export type AstriaState = ReturnType<typeof makeAstriaState>
