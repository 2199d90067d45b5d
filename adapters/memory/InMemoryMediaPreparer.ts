import { Context, Effect, Layer, Ref } from "effect"
import {
  MediaPreparer,
  MediaUnreachable,
  MediaUnusable,
  type PreparedMedia
} from "../../application/ports/MediaPreparer.js"

/** What a link gives: prepared media, or one of the port's failures. */
export type InMemoryLinkOutcome = PreparedMedia | "unreachable" | "unusable"

export interface InMemoryMediaPreparerOptions {
  /** Outcomes by link; a link not listed gives a small JPEG. */
  readonly links?: Readonly<Record<string, InMemoryLinkOutcome>>
}

/** What tests read from, and steer, the in-memory media preparer. */
export interface InMemoryMediaLinksService {
  /** From now on, `url` gives `outcome`. */
  readonly set: (url: string, outcome: InMemoryLinkOutcome) => Effect.Effect<void>
  /** Every link asked for, in order, failures included. */
  readonly requested: Effect.Effect<ReadonlyArray<string>>
}

export class InMemoryMediaLinks extends Context.Tag("whatsapp-astria-bot/InMemoryMediaLinks")<
  InMemoryMediaLinks,
  InMemoryMediaLinksService
>() {}

/** A JPEG signature and the link itself: enough for tests to tell which link an upload came from. */
const defaultImage = (url: string): PreparedMedia => ({
  kind: "image",
  bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(url)]),
  mimeType: "image/jpeg",
  fileName: "media.jpg"
})

const make = (options: InMemoryMediaPreparerOptions) =>
  Effect.gen(function* () {
    const links = yield* Ref.make(new Map(Object.entries(options.links ?? {})))
    const requested = yield* Ref.make<ReadonlyArray<string>>([])

    const preparer = MediaPreparer.of({
      prepare: (url) =>
        Effect.gen(function* () {
          yield* Ref.update(requested, (all) => [...all, url])
          const outcome = (yield* Ref.get(links)).get(url) ?? defaultImage(url)
          if (outcome === "unreachable") return yield* new MediaUnreachable({ message: "the link could not be reached (in memory)" })
          if (outcome === "unusable") return yield* new MediaUnusable({ message: "the link gives nothing sendable (in memory)" })
          return outcome
        })
    })

    const control = InMemoryMediaLinks.of({
      set: (url, outcome) => Ref.update(links, (all) => new Map(all).set(url, outcome)),
      requested: Ref.get(requested)
    })

    return Context.make(MediaPreparer, preparer).pipe(Context.add(InMemoryMediaLinks, control))
  })

/** The MediaPreparer port in memory: no network, outcomes by link, with its test controls. */
export const InMemoryMediaPreparer = {
  layer: (options: InMemoryMediaPreparerOptions = {}): Layer.Layer<MediaPreparer | InMemoryMediaLinks> =>
    Layer.effectContext(make(options))
}
