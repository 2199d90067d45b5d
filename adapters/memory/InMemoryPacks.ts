import { Effect, Layer, Option } from "effect"
import { PackRecord, Packs } from "../../application/ports/Packs.js"
import { InMemoryDatabase, sorted } from "./InMemoryDatabase.js"

export const InMemoryPacks = Layer.effect(
  Packs,
  Effect.map(InMemoryDatabase, (db) => {
    const all = (t: { packs: Map<number, PackRecord> }) => sorted(t.packs.values(), (a, b) => a.id - b.id)
    return Packs.of({
      // Previews already rendered for a pack that stays are kept over whatever the sync brings.
      sync: (catalogue) =>
        db.run((t) => {
          const previous = new Map(t.packs)
          t.packs.clear()
          for (const pack of catalogue) {
            const kept = previous.get(pack.id)
            t.packs.set(
              pack.id,
              new PackRecord({
                ...pack,
                previews: { ...pack.previews, ...kept?.previews },
                previewUploadedAt: { ...pack.previewUploadedAt, ...kept?.previewUploadedAt }
              })
            )
          }
        }),
      list: db.run(all),
      listForTier: (tier) => db.run((t) => all(t).filter((p) => p.tier === tier)),
      get: (id) => db.run((t) => Option.fromNullable(t.packs.get(id))),
      setPreview: (id, className, mediaId, uploadedAt) =>
        db.run((t) => {
          const pack = t.packs.get(id)
          if (pack) {
            t.packs.set(
              id,
              new PackRecord({
                ...pack,
                previews: { ...pack.previews, [className]: mediaId },
                previewUploadedAt: { ...pack.previewUploadedAt, [className]: uploadedAt }
              })
            )
          }
        })
    })
  })
)
