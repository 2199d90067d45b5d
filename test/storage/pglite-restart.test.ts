import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PostgresStorage } from "../../adapters/postgres/PostgresStorage.js"
import { Outbox } from "../../application/ports/Outbox.js"
import { Photos } from "../../application/ports/Photos.js"
import { Readiness } from "../../application/ports/Readiness.js"
import { Users } from "../../application/ports/Users.js"
import { photo, t0, userId, uuid } from "../../testing/port-suites/storage/fixtures.js"

const root = mkdtempSync(join(tmpdir(), "pglite-restart-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The storage a bot with no DATABASE_URL starts with: PGlite in PGLITE_DATA_DIR. */
const embedded = (dataDir: string) =>
  PostgresStorage.fromConfig.pipe(
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["PGLITE_DATA_DIR", dataDir]]))))
  )

describe("embedded PGlite", () => {
  it.live("keeps its data across a restart on the same directory", () =>
    Effect.gen(function* () {
      // A directory that does not exist yet, as on a first start.
      const layer = embedded(join(root, "nested", "data"))
      const id = userId()
      const stored = photo(id)
      const event = { id: uuid(), eventType: "E", key: id, body: "{}", createdAt: t0 }
      yield* Effect.gen(function* () {
        yield* (yield* Readiness).check
        yield* (yield* Users).resolve({ waId: Option.some("972500000001"), bsuid: Option.none(), profileName: Option.none() }, id, t0)
        yield* (yield* Users).saveConversation(id, { state: "PicturesLoaded" })
        yield* (yield* Photos).add(stored)
        yield* (yield* Outbox).add([event])
      }).pipe(Effect.provide(layer))

      // Started again: the migrations find their work done, and the data is there.
      yield* Effect.gen(function* () {
        yield* (yield* Readiness).check
        expect(Option.map(yield* (yield* Users).get(id), (u) => u.waId)).toEqual(Option.some(Option.some("972500000001")))
        expect(yield* (yield* Users).loadConversation(id)).toEqual(Option.some({ state: "PicturesLoaded" }))
        const [back] = yield* (yield* Photos).listForUser(id)
        expect(Array.from(back!.bytes)).toEqual(Array.from(stored.bytes))
        expect((yield* (yield* Outbox).claim(10, t0, "1 minute")).map((e) => e.id)).toEqual([event.id])
      }).pipe(Effect.provide(layer))
    }), 60_000)

  it.live("refuses a data directory another instance is using", () =>
    Effect.gen(function* () {
      const dataDir = join(root, "shared")
      yield* Layer.build(EmbeddedPglite.layer({ dataDir }))
      const second = yield* Effect.flip(Layer.build(EmbeddedPglite.layer({ dataDir })))
      expect(String(second.cause)).toContain("in use by process")
    }).pipe(Effect.scoped), 60_000)
})
