import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer } from "effect"
import { CatalogueSettings } from "../../application/catalogue/CatalogueSettings.js"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { syncPacks } from "../../application/catalogue/syncPacks.js"
import { Astria } from "../../application/ports/Astria.js"
import { Packs } from "../../application/ports/Packs.js"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { astriaChecks } from "../../runtimes/cli/doctor/astriaChecks.js"
import { PackCatalogueSyncAtStart } from "../../runtimes/composition/PackCatalogueSync.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { documentedGalleryPacks, fakeTierPacks } from "../../testing/fakes/astria/packs.js"
import { fakeAstriaAdapterConfig, httpAstriaOverFake } from "../../testing/fakes/astria/wiring.js"
import { harnessBot } from "../../testing/HarnessBot.js"
import { acceptablePhotos } from "../journey/photos.js"
import { next } from "../journey/steps.js"

/**
 * Packs from the account (`GET /packs`) and from Astria's public gallery (`GET /gallery/packs`),
 * docs/api/2-pack/1-list.md; tiers name them by slug or id; through the real adapter and the fake.
 */

const settings = (values: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(values)))

const tiers = (overrides: Record<string, string> = {}) => ({
  TIER_LITE_PACKS: fakeTierPacks.Lite.join(","),
  TIER_STANDARD_PACKS: fakeTierPacks.Standard.join(","),
  TIER_PREMIUM_PACKS: fakeTierPacks.Premium.join(","),
  ...overrides
})

/** The real adapter over a fresh fake, in-memory storage, and the catalogue settings from `values`. */
const catalogue = (values: Record<string, string>) =>
  Layer.mergeAll(httpAstriaOverFake().pipe(Layer.provide(FetchHttpClient.layer)), CatalogueSettings.fromConfig).pipe(
    Layer.provideMerge(InMemoryStorage),
    Layer.provide(Layer.setConfigProvider(settings(values)))
  )

const stored = Effect.flatMap(Packs, (packs) => packs.list).pipe(
  Effect.map((packs) => packs.map((pack) => [pack.tier, pack.slug, pack.id]).sort())
)

describe("packs from the account and the gallery (docs/api/2-pack/1-list.md)", () => {
  it.effect("the adapter lists the account's packs and the public gallery's, each marked with where it is", () =>
    Effect.gen(function* () {
      const packs = yield* (yield* Astria).listPacks
      expect(packs.map((pack) => [pack.slug, pack.origin])).toEqual([
        ["dating-profile", "account"],
        ["fantasy-portraits", "account"],
        ["corporate-headshots", "gallery"]
      ])
      const paths = (yield* (yield* FakeAstria).control.requests).map((r) => r.path)
      expect(paths).toEqual(expect.arrayContaining(["/packs", "/gallery/packs"]))
    }).pipe(Effect.provide(httpAstriaOverFake().pipe(Layer.provide(FetchHttpClient.layer))))
  )

  it.effect("tiers name packs by slug or by id, from the gallery or the account", () =>
    Effect.gen(function* () {
      const report = yield* syncPacks
      expect(report.missing).toEqual([])
      expect(yield* stored).toEqual([
        ["Lite", "corporate-headshots", 260],
        ["Premium", "dating-profile", 261],
        ["Standard", "fantasy-portraits", 262]
      ])
    }).pipe(
      Effect.provide(
        catalogue(tiers({ TIER_LITE_PACKS: "corporate-headshots", TIER_STANDARD_PACKS: "262", TIER_PREMIUM_PACKS: "dating-profile" }))
      )
    )
  )

  it.effect("in development an unresolvable pack is reported and its tier gets no pack", () =>
    Effect.gen(function* () {
      const report = yield* syncPacks
      expect(report.missing).toEqual([{ tier: "Premium", pack: "no-such-pack" }])
      expect((yield* stored).map(([tier]) => tier)).toEqual(["Lite", "Standard"])
    }).pipe(Effect.provide(catalogue(tiers({ TIER_PREMIUM_PACKS: "no-such-pack" }))))
  )

  it.effect("in production an unresolvable pack fails the sync, naming it and its setting", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(syncPacks)
      expect(error.message).toContain("no-such-pack (TIER_PREMIUM_PACKS)")
      expect(error.message).toContain("999999 (TIER_STANDARD_PACKS)")
    }).pipe(
      Effect.provide(
        catalogue(tiers({ ENVIRONMENT: "production", TIER_STANDARD_PACKS: "999999", TIER_PREMIUM_PACKS: "fantasy-portraits,no-such-pack" }))
      )
    )
  )

  it.effect("in production the start fails when a configured pack cannot be resolved", () =>
    Effect.gen(function* () {
      const noPreviews = Layer.succeed(PreviewRebuilds, PreviewRebuilds.of({ request: () => Effect.void }))
      const values = tiers({ ENVIRONMENT: "production", TIER_LITE_PACKS: "retired-pack" })
      const exit = yield* Effect.exit(
        Layer.build(PackCatalogueSyncAtStart.pipe(Layer.provide(Layer.merge(catalogue(values), noPreviews)))).pipe(
          Effect.scoped,
          Effect.withConfigProvider(settings(values))
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("retired-pack (TIER_LITE_PACKS)")
    })
  )

  it("the default tier packs exist in Astria's public gallery as its documentation shows it", () => {
    const defaults = Effect.runSync(Effect.withConfigProvider(CatalogueSettings.config, settings({})))
    const documented = new Set(documentedGalleryPacks.flatMap((pack) => [pack.slug, String(pack.id)]))
    const named = Object.values(defaults).flat()
    expect(named.length).toBeGreaterThan(0)
    for (const pack of named) expect(documented).toContain(pack)
  })

  it.effect("the doctor's tier packs line resolves gallery packs and ids, and names what it cannot", () =>
    Effect.gen(function* () {
      const fake = yield* FakeAstria
      const checks = yield* astriaChecks(fakeAstriaAdapterConfig(fake))
      const line = checks.find((check) => check.check === "tier packs")!
      const good = yield* line.run.pipe(Effect.withConfigProvider(settings(tiers({ TIER_STANDARD_PACKS: "262" }))))
      expect(good).toContain("Lite: corporate-headshots")
      const bad = yield* Effect.flip(line.run.pipe(Effect.withConfigProvider(settings(tiers({ TIER_PREMIUM_PACKS: "no-such-pack" })))))
      expect(bad.reason).toContain("no-such-pack (TIER_PREMIUM_PACKS)")
    }).pipe(Effect.provide(FakeAstria.layer()))
  )
})

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(
    harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3", ...tiers({ TIER_PREMIUM_PACKS: "no-such-pack" }) } })
  )
)

describe("a tier without a resolvable pack", () => {
  layer(bot, { timeout: 60_000, excludeTestServices: true })("through the harness", (it) => {
    it.effect("is not offered", () =>
      Effect.gen(function* () {
        const driver = yield* BotDriver
        const rina = yield* driver.user({ waId: "972506400001" })
        yield* rina.says("hi")
        let seen = yield* next(rina, 0, "the welcome", (m) => m.rows.some((r) => r.title === "Let's begin"))
        yield* rina.picks("Let's begin")
        seen = yield* next(rina, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === "I'm ready"))
        yield* rina.taps("I'm ready")
        yield* rina.agreesToPhotos()
        seen = yield* next(rina, seen.length, "the go-ahead", (m) => /Send your photos now/.test(m.text))
        const mark = seen.length
        for (const photo of acceptablePhotos) yield* rina.sendsPhoto(photo)
        seen = yield* next(rina, mark, "who is in the photos", (m) => m.rows.some((r) => r.title === "Woman"), 20_000)
        yield* rina.picks("Woman")
        seen = yield* next(rina, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === "I'm done"), 20_000)
        const before = seen.length
        yield* rina.picks("I'm done")
        seen = yield* next(rina, before, "the tiers", (m) => m.kind === "List" && m.rows.some((r) => r.title === "Lite"))
        const list = seen.slice(before).find((m) => m.kind === "List" && m.rows.some((r) => r.title === "Lite"))!
        expect(list.rows.map((r) => r.title)).toEqual(["Lite", "Standard"])
      })
    )
  })
})
