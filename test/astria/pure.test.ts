import * as crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Option, Redacted, Schema } from "effect"
import { vi } from "vitest"
import {
  InspectionResult,
  PackDetail as PackDetailJson,
  PackListItem,
  Prompt as PromptJson,
  ValidationErrorBodyFromJson,
  validationMessages
} from "../../contracts/astria/index.js"
import { OrderId } from "../../domain/ids.js"
import { AstriaNotFound, AstriaValidationError } from "../../application/ports/Astria.js"
import { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import { callbackUrl, decodeCallback } from "../../adapters/astria/Callbacks.js"
import { generateCallbackToken, hashCallbackToken, verifyCallbackToken } from "../../adapters/astria/CallbackToken.js"
import { toInspection, toPackDetail, toPackSummary } from "../../adapters/astria/Mapping.js"
import { matchPacksToTiers } from "../../application/catalogue/matchPacksToTiers.js"
import { isOverdue } from "../../application/training/reconcileOrder.js"

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof crypto>()
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) }
})

const orderId = OrderId.make("5d1c2a54-8f0e-4d7e-9a57-0b8f3f0c2e11")
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe("callback token", () => {
  it.effect("is random, URL-safe, and stored only as its SHA-256", () =>
    Effect.gen(function* () {
      const a = yield* generateCallbackToken
      const b = yield* generateCallbackToken
      expect(a.token).not.toBe(b.token)
      expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(a.hash).toMatch(/^[0-9a-f]{64}$/)
      expect(a.hash).toBe(crypto.createHash("sha256").update(a.token).digest("hex"))
      expect(a.hash).not.toContain(a.token)
      expect(hashCallbackToken(a.token)).toBe(a.hash)
    })
  )

  it.effect("verifies the right token and refuses wrong, truncated, empty ones", () =>
    Effect.gen(function* () {
      const { hash, token } = yield* generateCallbackToken
      expect(verifyCallbackToken(token, hash)).toBe(true)
      expect(verifyCallbackToken(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, hash)).toBe(false)
      expect(verifyCallbackToken(token.slice(0, 10), hash)).toBe(false)
      expect(verifyCallbackToken("", hash)).toBe(false)
      expect(verifyCallbackToken(token, "not-a-hash")).toBe(false)
      expect(verifyCallbackToken(token, "")).toBe(false)
    })
  )

  it.effect("always compares two 32-byte digests with timingSafeEqual, whatever the input", () =>
    Effect.gen(function* () {
      const { hash, token } = yield* generateCallbackToken
      const spy = vi.mocked(crypto.timingSafeEqual)
      spy.mockClear()
      for (const presented of [token, "x", `${token}${token}`, ""]) verifyCallbackToken(presented, hash)
      verifyCallbackToken(token, "garbage")
      expect(spy).toHaveBeenCalledTimes(5)
      for (const [left, right] of spy.mock.calls) {
        expect([left.byteLength, right.byteLength]).toEqual([32, 32])
      }
    })
  )
})

describe("callback URL", () => {
  it("carries only the order id and the token, under any base path", () => {
    const url = new URL(callbackUrl("https://bot.example.com/api/", orderId, "tok_en-1"))
    expect(url.origin + url.pathname).toBe("https://bot.example.com/api/pack-tune-received")
    expect(Array.from(url.searchParams.keys())).toEqual(["order", "token"])
    expect(url.searchParams.get("order")).toBe(orderId)
    expect(url.searchParams.get("token")).toBe("tok_en-1")
    expect(callbackUrl("http://localhost:7071", orderId, "t")).toBe(
      `http://localhost:7071/pack-tune-received?order=${orderId}&token=t`
    )
  })
})

const promptJson = (id: number, images: ReadonlyArray<string>) => ({
  id,
  tune_id: "690204",
  text: "corporate headshot, ohwx man",
  num_images: "4",
  cfg_scale: "3.0",
  seed: "42",
  steps: null,
  images,
  trained_at: images.length > 0 ? "2026-11-25T10:00:00.000Z" : null,
  created_at: "2026-11-25T09:00:00.000Z",
  url: `https://api.astria.ai/tunes/1/prompts/${id}.json`,
  extra_field_we_do_not_know: { nested: true }
})

describe("decodeCallback", () => {
  it.effect("a wrapped tune is tune-trained", () =>
    Effect.gen(function* () {
      const update = yield* decodeCallback(
        bytes({
          tune: {
            id: 1504944,
            title: orderId,
            name: "man",
            eta: "2026-11-25T10:00:00Z",
            started_training_at: "2026-11-25T09:50:00Z",
            trained_at: "2026-11-25T10:01:00Z",
            expires_at: "2026-12-25T10:01:00Z",
            orig_images: ["https://cdn.astria.ai/abc"]
          }
        })
      )
      if (update.kind !== "tune-trained") return yield* Effect.die("expected tune-trained")
      expect(update.tune.id).toBe(1504944)
      expect(update.tune.title).toBe(orderId)
      expect(update.tune.status).toBe("trained")
      expect(update.tune.trainedAt).toEqual(Option.some(new Date("2026-11-25T10:01:00Z")))
    })
  )

  it.effect("the pack's prompts_callback array is prompts-ready, string numbers and extensionless URLs accepted", () =>
    Effect.gen(function* () {
      const update = yield* decodeCallback(
        bytes([promptJson(1, ["https://cdn.astria.ai/a1b2c3", "https://cdn.astria.ai/d4e5f6"]), promptJson(2, [])])
      )
      if (update.kind !== "prompts-ready") return yield* Effect.die("expected prompts-ready")
      expect(update.prompts.map((p) => [p.id, p.done, p.images.length])).toEqual([
        [1, true, 2],
        [2, false, 0]
      ])
      expect(update.prompts[0]?.images[0]).toBe("https://cdn.astria.ai/a1b2c3")
    })
  )

  it.effect("a wrapped single prompt, and a {prompts:[...]} wrapper, are prompts-ready", () =>
    Effect.gen(function* () {
      const single = yield* decodeCallback(bytes({ prompt: promptJson(7, ["https://cdn.astria.ai/x"]) }))
      expect(single.kind === "prompts-ready" && single.prompts.map((p) => p.id)).toEqual([7])
      const wrapped = yield* decodeCallback(bytes({ prompts: [promptJson(8, ["https://cdn.astria.ai/y"])] }))
      expect(wrapped.kind === "prompts-ready" && wrapped.prompts.map((p) => p.id)).toEqual([8])
    })
  )

  it.effect("anything else is AstriaCallbackInvalid", () =>
    Effect.gen(function* () {
      for (const body of [
        new TextEncoder().encode("not json"),
        new Uint8Array([0xff, 0xfe, 0x00]),
        bytes({ hello: "world" }),
        bytes({ tune: { title: "no id" } }),
        bytes([{ id: "x" }])
      ]) {
        const error = yield* Effect.flip(decodeCallback(body))
        expect(error._tag).toBe("AstriaCallbackInvalid")
      }
    })
  )
})

describe("contracts", () => {
  it("decode both shapes of 422 body", () => {
    const plain = Schema.decodeUnknownSync(ValidationErrorBodyFromJson)('{"error":"Invalid pack"}')
    expect(validationMessages(plain)).toEqual(["Invalid pack"])
    const rails = Schema.decodeUnknownSync(ValidationErrorBodyFromJson)('{"images":["too few"],"name":["blank"]}')
    expect(validationMessages(rails)).toEqual(["images: too few", "name: blank"])
  })

  it("decode prompts whose numbers arrive as strings, and encode them back as numbers", () => {
    const prompt = Schema.decodeUnknownSync(PromptJson)(promptJson(3, []))
    expect([prompt.cfg_scale, prompt.num_images, prompt.seed, prompt.tune_id]).toEqual([3, 4, 42, 690204])
    expect(Schema.encodeSync(PromptJson)(prompt).cfg_scale).toBe(3)
  })

  it("decode a pack detail into offers and samples per class", () => {
    const detail = toPackDetail(
      Schema.decodeUnknownSync(PackDetailJson)({
        id: 260,
        slug: "corporate-headshots",
        title: "Corporate",
        cover_url: "https://cdn.astria.ai/cover",
        costs: { man: { cost: 1500, num_images: "12" }, woman: { cost: "1500", num_images: 12 } },
        prompts_per_class: { man: [{ id: 11, images: ["https://cdn.astria.ai/s1"] }] }
      })
    )
    expect(detail.offers).toEqual({ man: { costCents: 1500, imageCount: 12 }, woman: { costCents: 1500, imageCount: 12 } })
    expect(detail.samples["man"]).toEqual([{ promptId: 11, images: ["https://cdn.astria.ai/s1"] }])
    expect(detail.coverUrl).toEqual(Option.some("https://cdn.astria.ai/cover"))
  })

  it("map an inspection into the domain's PhotoInspection", () => {
    const inspection = toInspection(
      Schema.decodeUnknownSync(InspectionResult)({
        name: "woman",
        age: 31,
        eye_color: "green",
        hair_color: "",
        glasses: null,
        wearing_hat: true,
        includes_multiple_people: false,
        low_resolution: "false"
      })
    )
    expect(inspection.className).toBe("woman")
    expect(inspection.characteristics).toEqual({ age: "31", eye_color: "green" })
    expect([inspection.hat, inspection.multiplePeople, inspection.lowResolution, inspection.blurry]).toEqual([
      true,
      false,
      false,
      false
    ])
  })

  it("decode the pack list item docs/api/2-pack/1-list.md shows (no cover, no costs)", () => {
    const item = Schema.decodeUnknownSync(PackListItem)({
      id: 5,
      base_tune_id: 1,
      user_id: 1,
      slug: "test-rv5-1-pack",
      title: "test rv5.1 pack",
      token: "ohwx",
      created_at: "2024-01-17T12:35:13.379Z",
      updated_at: "2024-04-04T12:14:52.094Z",
      multiplier: 10,
      model_type: null,
      public_at: null,
      cost_mc_hash: { man: 200000, woman: 100000 }
    })
    expect(toPackSummary(item, "gallery")).toMatchObject({ id: 5, slug: "test-rv5-1-pack", origin: "gallery", coverUrl: Option.none() })
  })

  it("decode the inspection response docs/api/4-images/1-inspect.md shows, its empty values no characteristics", () => {
    const inspection = toInspection(
      Schema.decodeUnknownSync(InspectionResult)({
        age: "20 yo",
        blurry: false,
        ethnicity: "caucasian",
        eye_color: "brown eyes",
        facial_hair: "",
        full_body_image_or_longshot: false,
        funny_face: false,
        glasses: "",
        hair_color: "brunette",
        hair_length: "medium hair",
        hair_style: "wavy hair",
        includes_multiple_people: false,
        is_bald: "",
        name: "woman",
        selfie: true,
        wearing_hat: false,
        wearing_sunglasses: false
      })
    )
    expect(inspection.className).toBe("woman")
    expect(inspection.characteristics).toEqual({
      age: "20 yo",
      ethnicity: "caucasian",
      eye_color: "brown eyes",
      hair_color: "brunette",
      hair_length: "medium hair",
      hair_style: "wavy hair"
    })
  })

  it("map Astria's NONE (docs/api/4-images/1-inspect.md): no class found, attributes that do not apply left out", () => {
    const inspection = toInspection(
      Schema.decodeUnknownSync(InspectionResult)({
        name: "NONE",
        glasses: "NONE",
        facial_hair: "NONE",
        hair_style: "curly hair",
        headcover: "with head cover",
        low_quality: true
      })
    )
    expect(inspection.className).toBe("")
    expect(inspection.characteristics).toEqual({ hair_style: "curly hair", headcover: "with head cover" })
    expect(inspection.lowQuality).toBe(true)
  })
})

describe("matchPacksToTiers", () => {
  const packs = [
    { id: 1, slug: "corporate-headshots" },
    { id: 2, slug: "Dating-Profile" },
    { id: 3, slug: "fantasy-portraits" },
    { id: 4, slug: "not-offered" }
  ]

  it("gives each tier its packs by slug, in the configured order, and reports missing slugs", () => {
    const { byTier, missing } = matchPacksToTiers(packs, {
      lite: ["dating-profile", "corporate-headshots"],
      standard: ["corporate-headshots", "retired-pack"],
      premium: ["fantasy-portraits", " FANTASY-portraits "]
    })
    expect(byTier.lite.map((p) => p.id)).toEqual([2, 1])
    // Lite sells corporate-headshots already.
    expect(byTier.standard.map((p) => p.id)).toEqual([])
    expect(byTier.premium.map((p) => p.id)).toEqual([3])
    expect(missing).toEqual([{ tier: "standard", pack: "retired-pack" }])
  })

  it("takes an id as well as a slug, and the first listed of two packs with one slug (the account's before the gallery's)", () => {
    const listed = [...packs, { id: 260, slug: "corporate-headshots" }]
    const { byTier, missing } = matchPacksToTiers(listed, { lite: ["260", "3", "404"], standard: ["corporate-headshots"] })
    expect(byTier.lite.map((p) => p.id)).toEqual([260, 3])
    expect(byTier.standard.map((p) => p.id)).toEqual([1])
    expect(missing).toEqual([{ tier: "lite", pack: "404" }])
  })

  it("sells a pack named by two tiers in the first only, and says so", () => {
    const { byTier, taken } = matchPacksToTiers(packs, { lite: ["corporate-headshots"], standard: ["1", "fantasy-portraits"] })
    expect(byTier.lite.map((p) => p.id)).toEqual([1])
    expect(byTier.standard.map((p) => p.id)).toEqual([3])
    expect(taken).toEqual([{ tier: "standard", pack: "1", by: "lite" }])
  })

  it("gives an empty tier when nothing matches", () => {
    expect(matchPacksToTiers([], { lite: ["a"] })).toEqual({ byTier: { lite: [] }, missing: [{ tier: "lite", pack: "a" }], taken: [] })
  })
})

describe("errors", () => {
  it("say what went wrong in their message", () => {
    expect(new AstriaValidationError({ raw: "{}", messages: ["images: too few", "name: blank"] }).message).toBe(
      "Astria refused the request (422): images: too few; name: blank"
    )
    expect(new AstriaNotFound({ resource: "tune", id: "42" }).message).toBe("Astria has no tune 42")
  })
})

describe("reconciler timing", () => {
  it("an order is overdue only past its ETA plus the grace period", () => {
    const eta = new Date("2026-11-25T10:00:00Z")
    expect(isOverdue(eta, new Date("2026-11-25T10:14:59Z"), "15 minutes")).toBe(false)
    expect(isOverdue(eta, new Date("2026-11-25T10:15:01Z"), "15 minutes")).toBe(true)
  })
})

describe("configuration", () => {
  const read = (env: Record<string, string>) =>
    Effect.withConfigProvider(AstriaHttpConfig, ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("defaults the URL and delays, redacts the key, and trains on the paid branch", () =>
    Effect.gen(function* () {
      const config = yield* read({ ASTRIA_API_KEY: "sd_secret" })
      expect(config.apiUrl).toBe("https://api.astria.ai")
      expect(Redacted.value(config.apiKey)).toBe("sd_secret")
      expect(String(config.apiKey)).not.toContain("sd_secret")
      expect(config.testMode).toBe(false)
      expect(Duration.toSeconds(config.retryBaseDelay)).toBe(30)
      expect(Duration.toSeconds(config.timeoutWait)).toBe(60)
    })
  )

  it.effect("uses the test branch only when ASTRIA_TEST_MODE=true is set, whatever ENVIRONMENT says", () =>
    Effect.gen(function* () {
      expect((yield* read({ ASTRIA_API_KEY: "k" })).testMode).toBe(false)
      expect((yield* read({ ASTRIA_API_KEY: "k", ENVIRONMENT: "development" })).testMode).toBe(false)
      expect((yield* read({ ASTRIA_API_KEY: "k", ASTRIA_TEST_MODE: "true" })).testMode).toBe(true)
      expect((yield* read({ ASTRIA_API_KEY: "k", ASTRIA_TEST_MODE: "false" })).testMode).toBe(false)
    })
  )

  it.effect("a missing key or a malformed setting fails with its name", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(read({}))
      expect(String(missing)).toContain("ASTRIA_API_KEY")
      const malformed = yield* Effect.flip(read({ ASTRIA_API_KEY: "k", ASTRIA_TEST_MODE: "maybe" }))
      expect(String(malformed)).toContain("ASTRIA_TEST_MODE")
    })
  )
})
