import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as InMemoryAstria from "../../adapters/memory/InMemoryAstria.js"
import { decideOnSnapshot } from "../../application/conversation/decideOnSnapshot.js"
import { Ids } from "../../application/ports/Ids.js"
import { PackRecord, Packs } from "../../application/ports/Packs.js"
import { Tunes } from "../../application/ports/Tunes.js"
import type { Snapshot } from "../../domain/conversation/DecisionContext.js"
import { PackId, UserId } from "../../domain/ids.js"
import { contextWith } from "../domain/fixtures.js"

const settings = contextWith().settings
const userId = UserId.make("user-1")
const studio = new PackRecord({
  id: PackId.make(201),
  slug: "studio",
  title: "Studio",
  tier: "Standard",
  coverUrl: Option.none(),
  samples: {},
  previews: {},
  previewUploadedAt: {},
  syncedAt: new Date(0)
})

/** Packs and Tunes that count their reads; nothing else of either is used. */
const counting = (reads: Array<string>) =>
  Layer.mergeAll(
    Layer.succeed(Packs, {
      sync: () => Effect.dieMessage("unused"),
      list: Effect.sync(() => void reads.push("packs")).pipe(Effect.as([studio])),
      listForTier: () => Effect.dieMessage("unused"),
      get: () => Effect.dieMessage("unused"),
      setPreview: () => Effect.dieMessage("unused")
    }),
    Layer.succeed(Tunes, {
      add: () => Effect.dieMessage("unused"),
      savedForUser: () => Effect.sync(() => void reads.push("saved models")).pipe(Effect.as([])),
      listForUser: () => Effect.dieMessage("unused"),
      markExpired: () => Effect.dieMessage("unused"),
      deleteForUser: () => Effect.dieMessage("unused")
    }),
    InMemoryAstria.layer(),
    Ids.random
  )

const decideWith = <A>(decision: (snapshot: Snapshot) => A, newcomer = false) => {
  const reads: Array<string> = []
  return decideOnSnapshot(settings, userId, { newcomer }, decision).pipe(
    Effect.map((decided) => ({ decided, reads })),
    Effect.provide(counting(reads))
  )
}

describe("deciding on a snapshot", () => {
  it.effect("reads neither the packs nor the saved models for a decision that looks at neither", () =>
    Effect.gen(function* () {
      const { decided, reads } = yield* decideWith((snapshot) => snapshot.newOrderId.length > 0)
      expect(decided).toBe(true)
      expect(reads).toEqual([])
    }))

  it.effect("reads what the decision looks at, once, and decides on it", () =>
    Effect.gen(function* () {
      const { decided, reads } = yield* decideWith((snapshot) => snapshot.packs.map((pack) => pack.title))
      expect(decided).toEqual(["Studio"])
      expect(reads).toEqual(["packs"])
    }))

  it.effect("reads what a decision looks at only once it has seen the first", () =>
    Effect.gen(function* () {
      const { decided, reads } = yield* decideWith((snapshot) =>
        snapshot.packs.length > 0 ? snapshot.savedModels.length : -1
      )
      expect(decided).toBe(0)
      expect(reads).toEqual(["packs", "saved models"])
    }))

  it.effect("decides again when the decision failed on what was missing", () =>
    Effect.gen(function* () {
      const { decided, reads } = yield* decideWith((snapshot) => {
        const first = snapshot.packs[0]
        if (first === undefined) throw new Error("no packs")
        return first.id
      })
      expect(decided).toBe(201)
      expect(reads).toEqual(["packs"])
    }))

  it.effect("asks nobody about the saved models of someone made in this transaction", () =>
    Effect.gen(function* () {
      const { decided, reads } = yield* decideWith((snapshot) => snapshot.savedModels.length, true)
      expect(decided).toBe(0)
      expect(reads).toEqual([])
    }))
})
