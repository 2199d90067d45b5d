import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { Layer } from "effect"
import { PackRecord, Packs } from "../../../application/ports/Packs.js"
import { packId, t0, at } from "./fixtures.js"

const pack = (tier: string, overrides: Partial<ConstructorParameters<typeof PackRecord>[0]> = {}) => {
  const id = packId()
  return new PackRecord({
    id,
    slug: `${tier}-pack-${id}`,
    title: `Pack ${id}`,
    tier,
    coverUrl: Option.some(`https://cdn.example/${id}.jpg`),
    samples: { man: ["https://cdn.example/m1.jpg", "https://cdn.example/m2.jpg"], woman: [] },
    previews: {},
    syncedAt: t0,
    ...overrides
  })
}

/** The guarantees of every Packs adapter. */
export const packsSuite = <E>(name: string, layer: Layer.Layer<Packs, E>) =>
  describe(`Packs contract: ${name}`, () => {
    it.layer(layer)((it) => {
      it.effect("replaces the catalogue on sync and lists it by tier", () =>
        Effect.gen(function* () {
          const packs = yield* Packs
          const lite = pack("lite")
          const premium = pack("premium", { coverUrl: Option.none() })
          const gone = pack("lite")
          yield* packs.sync([lite, gone])
          yield* packs.sync([lite, premium])
          const all = yield* packs.list
          expect(all.map((p) => p.id).sort()).toEqual([lite.id, premium.id].sort())
          expect(yield* packs.listForTier("lite")).toEqual([lite])
          expect(yield* packs.get(premium.id)).toEqual(Option.some(premium))
          expect(yield* packs.get(gone.id)).toEqual(Option.none())
          yield* packs.sync([])
          expect(yield* packs.list).toEqual([])
        }))

      it.effect("keeps rendered previews of packs that stay", () =>
        Effect.gen(function* () {
          const packs = yield* Packs
          const stays = pack("standard")
          yield* packs.sync([stays])
          yield* packs.setPreview(stays.id, "man", "media-1", at(2))
          yield* packs.setPreview(stays.id, "woman", "media-2", at(3))
          yield* packs.setPreview(stays.id, "man", "media-3", at(4))
          const renamed = new PackRecord({ ...stays, title: "Renamed", syncedAt: at(1) })
          yield* packs.sync([renamed])
          const back = yield* packs.get(stays.id)
          expect(back).toEqual(
            Option.some(
              new PackRecord({
                ...renamed,
                previews: { man: "media-3", woman: "media-2" },
                previewUploadedAt: { man: at(4), woman: at(3) }
              })
            )
          )
        }))
    })
  })
