import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { english } from "../../domain/catalogue/english.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import { FakeGraph } from "../../testing/fakes/graph-api/layers.js"
import type { InboundDraft } from "../../testing/fakes/graph-api/model.js"
import { harnessBot } from "../../testing/HarnessBot.js"

/**
 * What Meta posts as a "message" although the person wrote nothing new: a deletion, an edit, a
 * changed security code, an error notice, an answer to a call permission request. None of them
 * earns "Sorry, I can only read text..."; an edited text is read as that text.
 */

const bot = BotDriver.layer.pipe(
  Layer.provideMerge(harnessBot({ storage: InMemoryStorage, settings: { PHOTO_THRESHOLD: "3" } }))
)

const onlyReadText = english.unsupported

/** A person who has been welcomed already, so anything more they receive is an answer to what follows. */
const welcomed = (waId: string) =>
  Effect.gen(function* () {
    const driver = yield* BotDriver
    const person = yield* driver.user({ waId, name: "Dana" })
    const hi = yield* person.says("hi")
    yield* person.waitUntil("the welcome list", (all) => all.some((m) => m.kind === "List"))
    yield* driver.quiescent()
    return { person, hi, before: (yield* person.seen).length }
  })

/** Posts the draft from the person, waits for the bot to finish and answers what arrived since `before`. */
const notice = (person: DriverUser, draft: InboundDraft, before: number) =>
  Effect.gen(function* () {
    const graph = yield* FakeGraph
    const { statuses } = yield* graph.userSends(person.who, draft)
    expect(statuses).toEqual([200])
    yield* (yield* BotDriver).quiescent()
    return (yield* person.seen).slice(before)
  })

layer(bot, { timeout: 30_000, excludeTestServices: true })("what a person did not write as a message", (it) => {
  it.effect("a deleted message (revoke) is acknowledged without a reply", () =>
    Effect.gen(function* () {
      const { person, hi, before } = yield* welcomed("972500000101")
      const after = yield* notice(person, { type: "revoke", revoke: { original_message_id: hi } }, before)
      expect(after.map((m) => m.text)).toEqual([])
    })
  )

  it.effect("a changed security code (customer_identity_changed) is acknowledged without a reply", () =>
    Effect.gen(function* () {
      const { person, before } = yield* welcomed("972500000102")
      const after = yield* notice(
        person,
        {
          type: "system",
          system: { body: "Dana's security code changed", type: "customer_identity_changed", customer: "972500000102" },
          identity: { acknowledged: true, created_timestamp: "1700000000", hash: "Sjvjlx8G6Z0=" }
        },
        before
      )
      expect(after.map((m) => m.text)).toEqual([])
    })
  )

  it.effect("Meta's error notice about a message is acknowledged without a reply", () =>
    Effect.gen(function* () {
      const { person, before } = yield* welcomed("972500000103")
      const after = yield* notice(
        person,
        {
          type: "errors",
          errors: [{ code: 131060, title: "Function not available", message: "Function not available", error_data: { details: "The message could not be shown" } }]
        },
        before
      )
      expect(after.map((m) => m.text)).toEqual([])
    })
  )

  it.effect("an answer to a call permission request is acknowledged without a reply", () =>
    Effect.gen(function* () {
      const { person, before } = yield* welcomed("972500000104")
      const after = yield* notice(
        person,
        {
          type: "interactive",
          interactive: {
            type: "call_permission_reply",
            call_permission_reply: { response: "accept", is_permanent: false, expiration_timestamp: 1900000000, response_source: "user_action" }
          }
        },
        before
      )
      expect(after.map((m) => m.text)).toEqual([])
    })
  )

  it.effect("an edited caption is acknowledged without a reply", () =>
    Effect.gen(function* () {
      const { person, hi, before } = yield* welcomed("972500000105")
      const after = yield* notice(
        person,
        { type: "edit", edit: { original_message_id: hi, message: { type: "image", image: { caption: "me, better" } } } },
        before
      )
      expect(after.map((m) => m.text)).toEqual([])
    })
  )

  it.effect("an edited text is read as that text: a first contact gets the welcome, never the apology", () =>
    Effect.gen(function* () {
      const driver = yield* BotDriver
      const person = yield* driver.user({ waId: "972500000106", name: "Eli" })
      const after = yield* notice(
        person,
        { type: "edit", edit: { original_message_id: "wamid.original", message: { type: "text", text: { body: "hello" } } } },
        0
      )
      expect(after.some((m) => m.kind === "List")).toBe(true)
      expect(after.map((m) => m.text)).not.toContain(onlyReadText)
    })
  )
})
