import { Context, Effect, Layer, Option, Ref } from "effect"
import type { OrderId } from "../../domain/ids.js"
import { PackId, TuneId } from "../../domain/ids.js"
import { PhotoInspection } from "../../domain/photos/Inspection.js"
import type { AstriaError, AstriaService, PackTuneRequest, PhotoUpload } from "../../application/ports/Astria.js"
import {
  Astria,
  AstriaNotFound,
  AstriaTune,
  AstriaValidationError,
  CreatedTune,
  GeneratedPrompt,
  PackDetail,
  PackSummary,
  PromptId
} from "../../application/ports/Astria.js"

/**
 * Astria in memory, for application tests: same contract as the HTTP adapter (the suite in
 * testing/port-suites prove it), with knobs to move tunes along and to inject failures.
 */

export interface InMemoryPack {
  readonly id: number
  readonly slug: string
  readonly title: string
  /** Prompt texts per class. */
  readonly prompts: Readonly<Record<string, ReadonlyArray<string>>>
  readonly imagesPerPrompt: number
  readonly costCents: number
}

export interface InMemoryAstriaOptions {
  readonly packs?: ReadonlyArray<InMemoryPack>
  /** Prefix of the fake image URLs (no extension, as on Astria). */
  readonly imageBaseUrl?: string
  readonly inspect?: (photo: PhotoUpload, expectedClass: string) => PhotoInspection
  /** Added to the creation time to give the ETA. */
  readonly trainingMillis?: number
}

export const defaultInMemoryPacks: ReadonlyArray<InMemoryPack> = [
  {
    id: 260,
    slug: "corporate-headshots",
    title: "Corporate Headshots",
    prompts: { man: ["studio headshot", "office portrait"], woman: ["studio headshot", "office portrait"] },
    imagesPerPrompt: 4,
    costCents: 1500
  },
  {
    id: 261,
    slug: "dating-profile",
    title: "Dating Profile",
    prompts: { man: ["cafe", "beach", "city"], woman: ["cafe", "beach", "city"] },
    imagesPerPrompt: 4,
    costCents: 2500
  }
]

/** Which operation a queued failure hits. */
export type InMemoryAstriaOperation = keyof AstriaService

export interface InMemoryAstriaControlService {
  readonly startTraining: (id: TuneId) => Effect.Effect<void, AstriaNotFound>
  /** Trained: the pack's prompts exist, without images yet. */
  readonly finishTraining: (id: TuneId) => Effect.Effect<void, AstriaNotFound>
  /** Images appear behind every prompt; answers what a `prompts_callback` would carry. */
  readonly renderPrompts: (id: TuneId) => Effect.Effect<ReadonlyArray<GeneratedPrompt>, AstriaNotFound>
  readonly complete: (id: TuneId) => Effect.Effect<ReadonlyArray<GeneratedPrompt>, AstriaNotFound>
  /**
   * The next call of `operation` fails with `error`. With `afterEffect` it fails after doing its
   * work, as a 504 does: a create then leaves its tune behind.
   */
  readonly failNext: (
    operation: InMemoryAstriaOperation,
    error: AstriaError,
    options?: { readonly afterEffect?: boolean }
  ) => Effect.Effect<void>
  readonly setInspection: (inspect: (photo: PhotoUpload, expectedClass: string) => PhotoInspection) => Effect.Effect<void>
  readonly tunes: Effect.Effect<ReadonlyArray<AstriaTune>>
  readonly createRequests: Effect.Effect<ReadonlyArray<PackTuneRequest>>
  readonly likes: Effect.Effect<ReadonlyArray<PromptId>>
}

export class InMemoryAstriaControl extends Context.Tag("whatsapp-astria-bot/InMemoryAstriaControl")<
  InMemoryAstriaControl,
  InMemoryAstriaControlService
>() {}

interface TuneState {
  readonly tune: AstriaTune
  readonly pack: InMemoryPack
  readonly promptIds: ReadonlyArray<PromptId>
  readonly deleted: boolean
}

interface PromptState {
  readonly prompt: GeneratedPrompt
  readonly tuneId: TuneId
  readonly imageCount: number
}

interface State {
  readonly tunes: ReadonlyMap<TuneId, TuneState>
  readonly prompts: ReadonlyMap<PromptId, PromptState>
  readonly nextTuneId: number
  readonly nextPromptId: number
  readonly failures: ReadonlyArray<{ operation: InMemoryAstriaOperation; error: AstriaError; afterEffect: boolean }>
  readonly createRequests: ReadonlyArray<PackTuneRequest>
  readonly likes: ReadonlyArray<PromptId>
}

const cleanInspection = (_photo: PhotoUpload, expectedClass: string) =>
  new PhotoInspection({
    className: expectedClass,
    characteristics: {},
    funnyFace: false,
    sunglasses: false,
    hat: false,
    blurry: false,
    multiplePeople: false,
    lowResolution: false
  })

const knownClasses = new Set(["man", "woman", "boy", "girl", "baby", "person", "couple", "cat", "dog"])
const thirtyDays = 30 * 24 * 60 * 60 * 1000

const make = (options: InMemoryAstriaOptions) =>
  Effect.gen(function* () {
    const packs = options.packs ?? defaultInMemoryPacks
    const imageBaseUrl = (options.imageBaseUrl ?? "memory://astria/images").replace(/\/+$/, "")
    const trainingMillis = options.trainingMillis ?? 10 * 60 * 1000
    const inspection = yield* Ref.make(options.inspect ?? cleanInspection)
    const state = yield* Ref.make<State>({
      tunes: new Map(),
      prompts: new Map(),
      nextTuneId: 1_000,
      nextPromptId: 50_000,
      failures: [],
      createRequests: [],
      likes: []
    })

    /** Runs `work`, honouring a queued failure for `operation`. */
    const guarded = <A, E>(operation: InMemoryAstriaOperation, work: Effect.Effect<A, E>): Effect.Effect<A, E | AstriaError> =>
      Effect.flatMap(
        Ref.modify(state, (s) => {
          const index = s.failures.findIndex((f) => f.operation === operation)
          const failure = s.failures[index]
          return failure === undefined
            ? [Option.none(), s]
            : [Option.some(failure), { ...s, failures: s.failures.filter((_, i) => i !== index) }]
        }),
        Option.match({
          onNone: () => work,
          onSome: ({ afterEffect, error }) => (afterEffect ? Effect.zipRight(work, Effect.fail(error)) : Effect.fail(error))
        })
      )

    const liveTune = (id: TuneId) =>
      Effect.flatMap(Ref.get(state), (s) => {
        const found = s.tunes.get(id)
        return found === undefined || found.deleted
          ? Effect.fail(new AstriaNotFound({ resource: "tune", id: String(id) }))
          : Effect.succeed(found)
      })

    const updateTune = (id: TuneId, f: (tune: TuneState, s: State) => State) =>
      Effect.flatMap(liveTune(id), (tune) => Ref.update(state, (s) => f(tune, s)))

    const withTune = (s: State, t: TuneState): State => ({ ...s, tunes: new Map(s.tunes).set(t.tune.id, t) })

    const invalid = (field: string, message: string) =>
      new AstriaValidationError({
        raw: JSON.stringify({ [field]: [message] }),
        messages: [`${field}: ${message}`],
        fields: { [field]: [message] }
      })

    const findByTitle = (title: OrderId) =>
      Effect.map(Ref.get(state), (s) =>
        Option.fromNullable(
          Array.from(s.tunes.values())
            .filter((t) => !t.deleted && t.tune.title === title)
            .sort((a, b) => b.tune.id - a.tune.id)[0]?.tune
        )
      )

    const create = (request: PackTuneRequest): Effect.Effect<CreatedTune, AstriaError> =>
      Effect.gen(function* () {
        const pack = packs.find((p) => p.id === request.packId)
        if (pack === undefined) return yield* new AstriaNotFound({ resource: "pack", id: String(request.packId) })
        if (!knownClasses.has(request.className) || pack.prompts[request.className] === undefined) {
          return yield* invalid("name", `is not offered by pack ${pack.slug}`)
        }
        const current = yield* Ref.get(state)
        if (request.source._tag === "Photos" && request.source.photos.length === 0) {
          return yield* invalid("images", "can't be blank")
        }
        if (request.source._tag === "SavedTunes") {
          const { tuneIds } = request.source
          const usable = tuneIds.filter((id) => current.tunes.get(id)?.tune.status === "trained")
          if (tuneIds.length === 0 || usable.length !== tuneIds.length) {
            return yield* invalid("tune_ids", "not found or not trained")
          }
        }
        const existing = yield* findByTitle(request.orderId)
        if (Option.isSome(existing)) return new CreatedTune({ id: existing.value.id, eta: existing.value.eta })
        const now = new Date(yield* Effect.clockWith((clock) => clock.currentTimeMillis))
        return yield* Ref.modify(state, (s) => {
          const tune = new AstriaTune({
            id: TuneId.make(s.nextTuneId),
            title: request.orderId,
            className: request.className,
            status: "queued",
            eta: Option.some(new Date(now.getTime() + trainingMillis)),
            trainedAt: Option.none(),
            expiresAt: Option.none()
          })
          const next = withTune(
            { ...s, nextTuneId: s.nextTuneId + 1, createRequests: [...s.createRequests, request] },
            { tune, pack, promptIds: [], deleted: false }
          )
          return [new CreatedTune({ id: tune.id, eta: tune.eta }), next]
        })
      })

    const promptsOf = (tune: TuneState, s: State) =>
      tune.promptIds.flatMap((id) => {
        const p = s.prompts.get(id)
        return p === undefined ? [] : [p.prompt]
      })

    const astria: AstriaService = {
      inspectPhoto: (photo, expectedClass) =>
        guarded("inspectPhoto", Effect.map(Ref.get(inspection), (inspect) => inspect(photo, expectedClass))),
      createPackTune: (request) => guarded("createPackTune", create(request)),
      findTuneByTitle: (title) => guarded("findTuneByTitle", findByTitle(title)),
      getTune: (id) => guarded("getTune", Effect.map(liveTune(id), (t) => t.tune)),
      listPrompts: (tuneId) =>
        guarded(
          "listPrompts",
          Effect.flatMap(liveTune(tuneId), (t) => Effect.map(Ref.get(state), (s) => promptsOf(t, s)))
        ),
      getPrompt: (tuneId, promptId) =>
        guarded(
          "getPrompt",
          Effect.flatMap(liveTune(tuneId), () =>
            Effect.flatMap(Ref.get(state), (s) => {
              const p = s.prompts.get(promptId)
              return p === undefined || p.tuneId !== tuneId
                ? Effect.fail(new AstriaNotFound({ resource: "prompt", id: String(promptId) }))
                : Effect.succeed(p.prompt)
            })
          )
        ),
      likePrompt: (promptId) =>
        guarded(
          "likePrompt",
          Effect.flatMap(Ref.get(state), (s) =>
            s.prompts.has(promptId)
              ? Ref.update(state, (st) => ({ ...st, likes: [...st.likes, promptId] }))
              : Effect.fail(new AstriaNotFound({ resource: "prompt", id: String(promptId) }))
          )
        ),
      listPacks: guarded(
        "listPacks",
        Effect.succeed(
          packs.map(
            (p) =>
              new PackSummary({
                id: PackId.make(p.id),
                origin: "account",
                slug: p.slug,
                title: p.title,
                coverUrl: Option.some(`${imageBaseUrl}/pack-${p.id}-cover`)
              })
          )
        )
      ),
      getPack: (id) =>
        guarded(
          "getPack",
          Effect.suspend(() => {
            const pack = packs.find((p) => p.id === id)
            if (pack === undefined) return Effect.fail(new AstriaNotFound({ resource: "pack", id: String(id) }))
            const classes = Object.entries(pack.prompts)
            return Effect.succeed(
              new PackDetail({
                id: PackId.make(pack.id),
                slug: pack.slug,
                title: pack.title,
                coverUrl: Option.some(`${imageBaseUrl}/pack-${pack.id}-cover`),
                offers: Object.fromEntries(
                  classes.map(([c, texts]) => [c, { costCents: pack.costCents, imageCount: texts.length * pack.imagesPerPrompt }])
                ),
                samples: Object.fromEntries(
                  classes.map(([c, texts], ci) => [
                    c,
                    texts.map((_, i) => ({
                      promptId: PromptId.make(pack.id * 1_000 + ci * 100 + i),
                      images: [0, 1, 2].map((n) => `${imageBaseUrl}/sample-${pack.id}-${c}-${i}-${n}`)
                    }))
                  ])
                )
              })
            )
          })
        ),
      deleteTune: (id) =>
        guarded(
          "deleteTune",
          Ref.update(state, (s) => {
            const found = s.tunes.get(id)
            return found === undefined ? s : withTune(s, { ...found, deleted: true })
          })
        )
    }

    const startTraining = (id: TuneId) =>
      updateTune(id, (t, s) =>
        t.tune.status === "queued" ? withTune(s, { ...t, tune: new AstriaTune({ ...t.tune, status: "training" }) }) : s
      )

    const finishTraining = (id: TuneId) =>
      Effect.gen(function* () {
        const now = new Date(yield* Effect.clockWith((clock) => clock.currentTimeMillis))
        yield* updateTune(id, (t, s) => {
          if (t.tune.status === "trained") return s
          const texts = t.pack.prompts[t.tune.className] ?? []
          const prompts = new Map(s.prompts)
          const promptIds = texts.map((text, i) => {
            const promptId = PromptId.make(s.nextPromptId + i)
            prompts.set(promptId, {
              tuneId: id,
              imageCount: t.pack.imagesPerPrompt,
              prompt: new GeneratedPrompt({ id: promptId, text, images: [], done: false, error: Option.none() })
            })
            return promptId
          })
          const tune = new AstriaTune({
            ...t.tune,
            status: "trained",
            trainedAt: Option.some(now),
            expiresAt: Option.some(new Date(now.getTime() + thirtyDays))
          })
          return withTune({ ...s, prompts, nextPromptId: s.nextPromptId + texts.length }, { ...t, tune, promptIds })
        })
      })

    const renderPrompts = (id: TuneId) =>
      Effect.gen(function* () {
        yield* finishTraining(id)
        const tune = yield* liveTune(id)
        return yield* Ref.modify(state, (s) => {
          const prompts = new Map(s.prompts)
          for (const promptId of tune.promptIds) {
            const p = prompts.get(promptId)
            if (p === undefined || p.prompt.done) continue
            prompts.set(promptId, {
              ...p,
              prompt: new GeneratedPrompt({
                ...p.prompt,
                images: Array.from({ length: p.imageCount }, (_, n) => `${imageBaseUrl}/prompt-${promptId}-${n}`),
                done: true
              })
            })
          }
          const next = { ...s, prompts }
          return [promptsOf(tune, next), next]
        })
      })

    const control: InMemoryAstriaControlService = {
      startTraining,
      finishTraining,
      renderPrompts,
      complete: renderPrompts,
      failNext: (operation, error, opts) =>
        Ref.update(state, (s) => ({
          ...s,
          failures: [...s.failures, { operation, error, afterEffect: opts?.afterEffect ?? false }]
        })),
      setInspection: (inspect) => Ref.set(inspection, inspect),
      tunes: Effect.map(Ref.get(state), (s) =>
        Array.from(s.tunes.values())
          .filter((t) => !t.deleted)
          .map((t) => t.tune)
      ),
      createRequests: Effect.map(Ref.get(state), (s) => s.createRequests),
      likes: Effect.map(Ref.get(state), (s) => s.likes)
    }

    return { astria, control }
  })

/** The in-memory Astria and its control handle, sharing one state. */
export const layer = (options: InMemoryAstriaOptions = {}): Layer.Layer<Astria | InMemoryAstriaControl> =>
  Layer.effectContext(
    Effect.map(make(options), ({ astria, control }) =>
      Context.make(Astria, astria).pipe(Context.add(InMemoryAstriaControl, control))
    )
  )
