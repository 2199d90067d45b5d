import * as http from "node:http"
import type { Scope } from "effect"
import { Context, Effect, Layer } from "effect"
import type { InspectionResultEncoded, PromptEncoded, TuneEncoded } from "../../../contracts/astria/index.js"
import { json } from "./answers.js"
import type { FakeAstriaFault, FakeAstriaOptions, InspectionInput, RecordedCallback, RecordedRequest } from "./model.js"
import { persistAstriaState } from "./persistence.js"
import { makeRouter } from "./router.js"
import { makeAstriaState } from "./state.js"
import { makeTraining } from "./training.js"
import { makeTunes } from "./tunes.js"
import { closeServer, listenOnLoopback } from "../loopbackServer.js"

export { defaultInspection } from "./inspection.js"
export type { FakeAstriaFault, FakeAstriaFaultStatus, FakeAstriaOptions, InspectionInput, RecordedCallback, RecordedRequest } from "./model.js"

/**
 * A faithful fake of Astria's HTTP API on a loopback port, for the real adapter to talk to in
 * tests and in the embedded default. It keeps Astria's quirks on purpose: no status field, numbers
 * as strings, image URLs without an extension, a pack prompt's `tune_id` naming the base model,
 * wrapped callbacks that are never retried, and no idempotency on `title`.
 *
 * Its parts: `router.ts` (routes), `state.ts` (what it remembers), and the behaviours `tunes.ts`,
 * `training.ts`, `prompts.ts`, `catalogue.ts` (packs), `inspection.ts`, `callbacks.ts`,
 * `files.ts` and `faults.ts`.
 */

export interface FakeAstriaControl {
  /** Queued -> training. */
  readonly startTraining: (tuneId: number) => Effect.Effect<void>
  /** -> trained: the pack's prompts appear (without images) and the tune callback is posted. */
  readonly finishTraining: (tuneId: number) => Effect.Effect<void>
  /** Images appear behind every prompt; the pack's `prompts_callback` is posted with all of them. */
  readonly renderPrompts: (tuneId: number) => Effect.Effect<void>
  /** Images appear behind the first `count` prompts only, with no callback (the pack's waits for all). */
  readonly renderSomePrompts: (tuneId: number, count: number) => Effect.Effect<void>
  /** Whatever remains of training and rendering, callbacks included. */
  readonly complete: (tuneId: number) => Effect.Effect<void>
  readonly completeAll: Effect.Effect<void>
  readonly inject: (fault: FakeAstriaFault) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  /**
   * The account runs out of credits (true) or is topped up (false): while out, every create of a
   * tune answers 402, as an injected fault does but for as long as it lasts.
   */
  readonly setOutOfCredits: (out: boolean) => Effect.Effect<void>
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

const start = async (options: FakeAstriaOptions): Promise<FakeAstriaHandle & { readonly stop: () => Promise<void> }> => {
  const state = makeAstriaState(options)
  const training = makeTraining(state)
  const handle = makeRouter(state, makeTunes(options, state, training))
  const server = http.createServer((req, res) => {
    handle(req)
      .catch((error: unknown) => json(500, { error: `fake Astria failed: ${String(error)}` }))
      .then((answer) => {
        res.writeHead(answer.status, { "content-type": answer.contentType })
        res.end(answer.body)
      })
  })
  state.baseUrl = await listenOnLoopback(server, "fake Astria")
  const persisted = options.dataDir === undefined ? undefined : await persistAstriaState(state, training, options.dataDir, options.clock)

  const run = (task: () => void | Promise<void>) => Effect.promise(async () => task())
  const liveTunes = () => Array.from(state.tunes.values()).filter((t) => !t.deleted)
  const control: FakeAstriaControl = {
    startTraining: (tuneId) => run(() => training.startTraining(tuneId)),
    finishTraining: (tuneId) => run(() => training.finishTraining(tuneId)),
    renderPrompts: (tuneId) => run(() => training.renderPrompts(tuneId)),
    renderSomePrompts: (tuneId, count) => run(() => training.renderSomePrompts(tuneId, count)),
    complete: (tuneId) => run(() => training.complete(tuneId)),
    completeAll: run(async () => {
      for (const tune of Array.from(state.tunes.values())) if (!tune.deleted) await training.complete(tune.json.id)
    }),
    inject: (fault) => run(() => void state.faults.push({ fault, remaining: fault.times ?? 1 })),
    clearFaults: run(() => void state.faults.splice(0)),
    setOutOfCredits: (out) => run(() => void (state.outOfCredits = out)),
    dropCallbacks: (value) => run(() => void (state.dropCallbacks = value)),
    repeatCallbacks: (times) => run(() => void (state.repeatCallbacks = Math.max(1, times))),
    setInspection: (answer) => run(() => void (state.inspection = answer)),
    tunes: Effect.sync(() => liveTunes().sort((a, b) => b.json.id - a.json.id).map((t) => t.json)),
    promptsOf: (tuneId) => Effect.sync(() => {
      const tune = state.tunes.get(tuneId)
      return tune === undefined ? [] : state.promptsOf(tune)
    }),
    requests: Effect.sync(() => [...state.requests]),
    callbacks: Effect.sync(() => [...state.callbacks]),
    likes: Effect.sync(() => [...state.likes])
  }

  const stop = async () => {
    await persisted?.stop()
    for (const timer of state.timers) clearTimeout(timer)
    state.timers.clear()
    await closeServer(server)
  }

  return { baseUrl: state.baseUrl, apiKey: state.apiKey, control, stop }
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
