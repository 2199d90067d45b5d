import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, ConfigProvider, Context, Duration, Effect, Fiber, Layer, Option, Redacted, Schedule, Stream, TestClock, TestServices, Tracer } from "effect"
import { InMemoryRateBudgets } from "../../adapters/memory/InMemoryRateBudgets.js"
import * as WhatsAppCloud from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { WhatsAppCloudHttpClient } from "../../adapters/whatsapp-cloud/WhatsAppCloudHttpClient.js"
import { mediaUserAgent, type WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import { MediaSource } from "../../application/ports/MediaSource.js"
import { Messenger } from "../../application/ports/Messenger.js"
import { normalizeWebhook, statusAdvances, type InboundEvent } from "../../contracts/whatsapp/InboundEvent.js"
import type { StatusValue } from "../../contracts/whatsapp/Webhook.js"
import { decodeWebhook } from "../../contracts/whatsapp/Webhook.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { makeFakeGraphApi, type FakeGraphApiOptions, type SendAttempt } from "../../testing/fakes/graph-api/FakeGraphApi.js"
import { describeSent, settingsForFake } from "../../testing/fakes/graph-api/layers.js"
import { freshPerson } from "../../testing/port-suites/MessengerSuite.js"
import { makeWebhookReceiver } from "./webhookReceiver.js"

const secret = "adapter-test-secret"

const setup = (fakeOptions: FakeGraphApiOptions = {}, overrides: Partial<WhatsAppCloudSettings> = {}) =>
  Effect.gen(function* () {
    const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off", appSecret: secret, ...fakeOptions })
    const context = yield* Layer.build(
      WhatsAppCloud.layer(settingsForFake(fake, overrides)).pipe(Layer.provide(WhatsAppCloudHttpClient), Layer.provide(InMemoryRateBudgets))
    )
    return { fake, messenger: Context.get(context, Messenger), media: Context.get(context, MediaSource) }
  })

const text = (body: string) => OutgoingMessage.Text({ body })

/** The most attempts seen in any window of `windowMs`. */
const busiestWindow = (attempts: ReadonlyArray<SendAttempt>, windowMs: number): number => {
  const times = attempts.map((attempt) => attempt.at).sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; j < times.length; j++) {
    while ((times[j] ?? 0) - (times[i] ?? 0) >= windowMs) i++
    best = Math.max(best, j - i + 1)
  }
  return best
}

const decodedEvents = (raws: ReadonlyArray<Buffer>) =>
  Effect.map(Effect.forEach(raws, (raw) => decodeWebhook(raw)), (envelopes) => envelopes.flatMap(normalizeWebhook))

const waitFor = <A>(effect: Effect.Effect<A>, done: (value: A) => boolean) =>
  effect.pipe(
    Effect.repeat({ schedule: Schedule.spaced("10 millis"), until: done }),
    Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Error("condition not reached in time") })
  )

/**
 * Under the TestClock: waits (by the live clock) until the fiber sleeps until `at` on the test
 * clock, or has finished; answers whether it sleeps until then.
 */
const sleepsUntil = <A, E>(fiber: Fiber.Fiber<A, E>, at: number) =>
  Effect.gen(function* () {
    for (let tries = 0; tries < 500; tries++) {
      if (Chunk.contains(yield* TestClock.sleeps(), at)) return true
      if (Option.isSome(yield* Fiber.poll(fiber))) return false
      yield* TestServices.provideLive(Effect.sleep("10 millis"))
    }
    return false
  })

describe("WhatsApp Cloud adapter against the fake Graph API", () => {
  it.scopedLive("a storm of 130429 ends with every message delivered once, and the pacing kept", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ throughputPerSecond: 1000 }, { throughputPerSecond: 10 })
      // Meta's HTTP status varies for one code: the adapter must branch on the code.
      yield* fake.fail({ code: 130429, times: 6 })
      yield* fake.fail({ code: 130429, times: 6, httpStatus: 400 })
      const people = Array.from({ length: 25 }, () => freshPerson())
      const ids = yield* Effect.forEach(people, (person, n) => messenger.send(person, text(`reply ${n}`)), { concurrency: "unbounded" })
      expect(new Set(ids).size).toBe(25)
      for (const [n, person] of people.entries()) {
        const received = yield* fake.received(person)
        expect(received.map((item) => item.body.type === "text" && item.body.text.body)).toEqual([`reply ${n}`])
      }
      const attempts = yield* fake.attempts
      expect(attempts.filter((attempt) => attempt.code === 130429)).toHaveLength(12)
      expect(attempts.filter((attempt) => attempt.code === undefined)).toHaveLength(25)
      // A bucket of one refilled every 100 ms: no second sees more than 11 (plus one for requests
      // in flight); unpaced, all 37 attempts would land within a fraction of one.
      expect(busiestWindow(attempts, 1000)).toBeLessThanOrEqual(12)
    }), 20_000)

  it.scopedLive("reads its settings from Config, and names a missing one", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
      const settings = new Map([
        ["WHATSAPP_API_URL", fake.baseUrl],
        ["WHATSAPP_NUMBER_ID", fake.phoneNumberId],
        ["WHATSAPP_API_KEY", fake.accessToken]
      ])
      const build = (values: Map<string, string>) =>
        Layer.build(WhatsAppCloud.fromConfig.pipe(Layer.provide(WhatsAppCloudHttpClient), Layer.provide(InMemoryRateBudgets))).pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(values))
        )
      const context = yield* build(settings)
      const person = freshPerson()
      yield* Context.get(context, Messenger).send(person, text("configured"))
      expect(yield* fake.received(person)).toHaveLength(1)
      const missing = new Map(settings)
      missing.delete("WHATSAPP_NUMBER_ID")
      const error = yield* Effect.flip(build(missing))
      expect(String(error)).toContain("WHATSAPP_NUMBER_ID")
    }))

  it.scopedLive("190 and 100 fail at once, without retries", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup()
      const person = freshPerson()
      yield* fake.fail({ code: 190, times: 5 })
      const auth = yield* Effect.flip(messenger.send(person, text("hi")))
      expect(auth._tag).toBe("AuthenticationFailed")
      yield* fake.clearFaults
      yield* fake.fail({ code: 100, times: 5 })
      const invalid = yield* Effect.flip(messenger.send(person, text("hi")))
      expect(invalid._tag).toBe("InvalidParameter")
      expect((yield* fake.attempts).filter((attempt) => attempt.address === person.waId)).toHaveLength(2)
    }))

  it.scopedLive("a wrong access token is AuthenticationFailed", () =>
    Effect.gen(function* () {
      const { messenger } = yield* setup({}, { apiKey: Redacted.make("stale-token") })
      const error = yield* Effect.flip(messenger.send(freshPerson(), text("hi")))
      expect(error._tag).toBe("AuthenticationFailed")
    }))

  it.scopedLive("131026, 131048 and unknown codes are typed and not retried", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup()
      const person = freshPerson()
      for (const [code, tag] of [[131026, "Undeliverable"], [131048, "RateLimited"], [132001, "MessageRejected"]] as const) {
        yield* fake.fail({ code, times: 3 })
        const error = yield* Effect.flip(messenger.send(person, text("hi")))
        expect(error._tag).toBe(tag)
        yield* fake.clearFaults
      }
      expect((yield* fake.attempts).filter((attempt) => attempt.address === person.waId)).toHaveLength(3)
    }))

  it.scopedLive("5xx is retried; an outage that lasts ends as MessengerUnavailable", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({}, { retryAttempts: 3 })
      yield* fake.failHttp(503, 2)
      yield* messenger.send(freshPerson(), text("after a hiccup"))
      yield* fake.failHttp(502, 10)
      const error = yield* Effect.flip(messenger.send(freshPerson(), text("during an outage")))
      expect(error._tag).toBe("MessengerUnavailable")
    }))

  it.scopedLive("sends with `recipient` to a phone-less user, and with `to` when a phone is known", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup()
      const hidden = freshPerson("user-id")
      const both = freshPerson("both")
      yield* messenger.send(hidden, text("no phone"))
      yield* messenger.send(both, text("phone wins"))
      const [toHidden] = yield* fake.received(hidden)
      expect(toHidden?.body.recipient).toBe(hidden.userId)
      expect(toHidden?.body.to).toBeUndefined()
      const [toBoth] = yield* fake.received({ waId: both.waId ?? "" })
      expect(toBoth?.body.to).toBe(both.waId)
      expect(toBoth?.body.recipient).toBeUndefined()
    }))

  it.scopedLive("131056 backs off that person exponentially, then delivers", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({}, { pairBackoffBase: Duration.millis(100) })
      const person = freshPerson()
      yield* fake.fail({ code: 131056, times: 2, user: person })
      yield* messenger.send(person, text("eventually"))
      const mine = (yield* fake.attempts).filter((attempt) => attempt.address === person.waId)
      expect(mine.map((attempt) => attempt.code)).toEqual([131056, 131056, undefined])
      // By the fake's clock, the tries came 100 ms then 200 ms apart, each less at most 20 % jitter
      // (a slow machine only widens the gaps).
      const gaps = mine.slice(1).map((attempt, n) => attempt.at - mine[n]!.at)
      expect(gaps[0]).toBeGreaterThanOrEqual(80)
      expect(gaps[1]).toBeGreaterThanOrEqual(160)
    }))

  it.scoped("the per-person bucket keeps under Meta's pair rate: a burst at once, then one per interval", () =>
    Effect.gen(function* () {
      // The adapter and the fake share the TestClock: time moves only when the test moves it.
      const { fake, messenger } = yield* setup(
        // The adapter's pace is a little slower than Meta's, so network jitter never tips it over.
        { pairRate: { burst: 3, interval: "150 millis" } },
        { recipientBurst: 3, recipientInterval: Duration.millis(200) }
      )
      const person = freshPerson()
      const sending = yield* Effect.fork(Effect.forEach([1, 2, 3, 4, 5, 6], (n) => messenger.send(person, text(`message ${n}`))))
      // With the clock standing still, the burst goes out and the fourth send waits until 200 ms;
      // then each next send waits one more interval.
      for (const [at, sent] of [[200, 3], [400, 4], [600, 5]] as const) {
        expect(yield* sleepsUntil(sending, at), `a send waits until ${at} ms`).toBe(true)
        expect(yield* fake.received(person)).toHaveLength(sent)
        yield* TestClock.setTime(at)
      }
      yield* Fiber.join(sending)
      const received = yield* fake.received(person)
      expect(received.map((message) => message.at)).toEqual([0, 0, 0, 200, 400, 600])
      const mine = (yield* fake.attempts).filter((attempt) => attempt.address === person.waId)
      expect(mine.every((attempt) => attempt.code === undefined)).toBe(true)
    }))

  it.scopedLive("131047 at once: OutsideCustomerServiceWindow; a template goes through; the reply reopens the window", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ customerServiceWindow: "sync" })
      const person = freshPerson()
      const error = yield* Effect.flip(messenger.send(person, text("your images are ready")))
      expect(error._tag).toBe("OutsideCustomerServiceWindow")
      yield* messenger.send(person, OutgoingMessage.Template({ name: "reengage", languageCode: "en", bodyParameters: [] }))
      yield* fake.openWindow(person)
      yield* messenger.send(person, text("your images are ready"))
      const received = yield* fake.received(person)
      expect(received.map((item) => item.body.type)).toEqual(["template", "text"])
    }))

  it.scopedLive("131047 later: accepted with a wamid, then a failed status webhook", () =>
    Effect.gen(function* () {
      const receiver = yield* makeWebhookReceiver(secret)
      const { fake, messenger } = yield* setup({ customerServiceWindow: "status", webhookUrl: receiver.url })
      const person = freshPerson()
      const id = yield* messenger.send(person, text("your images are ready"))
      yield* waitFor(Effect.sync(() => receiver.received.length), (n) => n > 0)
      const events = yield* decodedEvents(receiver.received.map((item) => item.raw))
      expect(events).toMatchObject([{ _tag: "DeliveryStatus", messageId: id, status: "failed", errors: [{ code: 131047 }] }])
      expect(yield* fake.received(person)).toEqual([])
    }))

  it.scopedLive("marks read with the typing indicator", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup()
      yield* messenger.markRead("wamid.inbound.7")
      expect(yield* fake.readReceipts).toEqual([{ messageId: "wamid.inbound.7", typingIndicator: true }])
    }))

  it.scopedLive("sends and read receipts are traced when spans are made, and make none when tracing is off", () =>
    Effect.gen(function* () {
      const { messenger } = yield* setup()
      const native = yield* Effect.tracer
      const names: Array<string> = []
      const recording = Tracer.make({
        span: (...args: Parameters<Tracer.Tracer["span"]>) => {
          names.push(args[0])
          return native.span(...args)
        },
        context: (f, fiber) => native.context(f, fiber)
      })
      const calls = Effect.zipRight(messenger.markRead("wamid.inbound.8"), messenger.send(freshPerson(), text("traced")))
      yield* calls.pipe(Effect.withTracer(recording))
      expect(names.filter((name) => name.startsWith("Messenger."))).toEqual(["Messenger.markRead", "Messenger.send"])
      names.length = 0
      yield* calls.pipe(Effect.withTracer(recording), Effect.withTracerEnabled(false))
      expect(names).toEqual([])
    }))

  it.scopedLive("downloads with our User-Agent; URLs that keep expiring end as MediaExpired", () =>
    Effect.gen(function* () {
      const { fake, media } = yield* setup()
      const id = yield* fake.putMedia(new Uint8Array([1, 2, 3]), "image/jpeg")
      yield* media.download(id)
      expect((yield* fake.downloads).map((download) => download.userAgent)).toEqual([mediaUserAgent])
      const dying = yield* setup({ mediaUrlLifetime: Duration.zero })
      const dyingId = yield* dying.fake.putMedia(new Uint8Array([4, 5, 6]), "image/jpeg")
      const error = yield* Effect.flip(dying.media.download(dyingId))
      expect(error._tag).toBe("MediaExpired")
    }))

  it.scopedLive("an upload over Meta's size limit is refused", () =>
    Effect.gen(function* () {
      const { messenger } = yield* setup()
      const error = yield* Effect.flip(messenger.uploadMedia(new Uint8Array(5 * 1024 * 1024 + 1), "image/jpeg"))
      expect(error).toMatchObject({ _tag: "MessageRejected", code: 131053 })
    }))
})

describe("fake Graph API", () => {
  it.scoped("media URLs need the bearer token and expire after 5 minutes of the fake's clock", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi()
      const raw = yield* HttpClient.HttpClient
      const client = raw.pipe(HttpClient.filterStatusOk)
      const id = yield* fake.putMedia(new Uint8Array([9, 8, 7]), "image/png")
      const lookup = yield* client.get(`${fake.baseUrl}/${id}`, { headers: { authorization: `Bearer ${fake.accessToken}` } }).pipe(
        Effect.flatMap((response) => response.json)
      )
      const url = typeof lookup === "object" && lookup !== null && "url" in lookup ? String(lookup.url) : ""
      const status = (headers: Record<string, string>) =>
        Effect.map(raw.execute(HttpClientRequest.get(url, { headers })), (response) => response.status)
      expect(yield* status({})).toBe(401)
      expect(yield* status({ authorization: "Bearer wrong" })).toBe(401)
      expect(yield* status({ authorization: `Bearer ${fake.accessToken}` })).toBe(200)
      yield* TestClock.adjust("4 minutes")
      expect(yield* status({ authorization: `Bearer ${fake.accessToken}` })).toBe(200)
      yield* TestClock.adjust("61 seconds")
      expect(yield* status({ authorization: `Bearer ${fake.accessToken}` })).toBe(404)
      const noToken = yield* Effect.map(
        raw.execute(HttpClientRequest.get(`${fake.baseUrl}/${id}`)),
        (response) => response.status
      )
      expect(noToken).toBe(401)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("streams deliveries live and posts their sent and delivered statuses", () =>
    Effect.gen(function* () {
      const receiver = yield* makeWebhookReceiver(secret)
      const { fake, messenger } = yield* setup({ webhookUrl: receiver.url, autoStatuses: true })
      const person = freshPerson()
      const live = yield* fake.deliveries.pipe(Stream.take(1), Stream.runCollect, Effect.fork)
      // Suspended means subscribed and waiting for the first delivery.
      yield* Fiber.status(live).pipe(
        Effect.filterOrFail((status) => status._tag === "Suspended", () => "not listening yet"),
        Effect.retry(Schedule.spaced("1 millis").pipe(Schedule.upTo("5 seconds")))
      )
      const id = yield* messenger.send(person, text("live"))
      const [delivery] = yield* Fiber.join(live)
      expect(delivery?.message.id).toBe(id)
      expect(delivery?.user.waId).toBe(person.waId)
      yield* waitFor(Effect.sync(() => receiver.received.length), (n) => n > 0)
      const events = yield* decodedEvents(receiver.received.map((item) => item.raw))
      expect(events).toMatchObject([
        { _tag: "DeliveryStatus", messageId: id, status: "sent" },
        { _tag: "DeliveryStatus", messageId: id, status: "delivered" }
      ])
    }))

  it.scoped("the 24 h window follows the fake's clock: closed 25 h after the person wrote, a template still goes", () =>
    Effect.gen(function* () {
      const { fake, messenger } = yield* setup({ customerServiceWindow: "sync" })
      const person = freshPerson()
      yield* fake.openWindow(person)
      yield* TestClock.adjust("23 hours")
      yield* messenger.send(person, text("still inside"))
      yield* TestClock.adjust("2 hours")
      const error = yield* Effect.flip(messenger.send(person, text("images ready")))
      expect(error._tag).toBe("OutsideCustomerServiceWindow")
      yield* messenger.send(person, OutgoingMessage.Template({ name: "reengage", languageCode: "en", bodyParameters: ["Ana"] }))
      yield* fake.openWindow(person)
      yield* messenger.send(person, text("images ready"))
      const received = yield* fake.received(person)
      expect(received.map((item) => describeSent(item.body).text)).toEqual(["still inside", "reengage", "images ready"])
    }))

  it.scoped("refuses a send over Meta's limits with error 100", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off" })
      const response = yield* (yield* HttpClient.HttpClient).execute(
        HttpClientRequest.post(`${fake.baseUrl}/${fake.phoneNumberId}/messages`).pipe(
          HttpClientRequest.bearerToken(fake.accessToken),
          HttpClientRequest.bodyUnsafeJson({
            messaging_product: "whatsapp",
            to: "15550001111",
            type: "interactive",
            interactive: {
              type: "button",
              body: { text: "Pick" },
              action: { buttons: [1, 2, 3, 4].map((n) => ({ type: "reply", reply: { id: `b${n}`, title: `B${n}` } })) }
            }
          })
        )
      )
      expect(response.status).toBe(400)
      expect(yield* response.json).toMatchObject({ error: { code: 100, type: "OAuthException" } })
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("delivers duplicates, batched changes and entries, phone-less users, and out-of-order statuses", () =>
    Effect.gen(function* () {
      const receiver = yield* makeWebhookReceiver(secret)
      const { fake, messenger } = yield* setup({ webhookUrl: receiver.url })
      const ana = yield* fake.addUser({ waId: "16505550042", name: "Ana" })
      const hidden = yield* fake.addUser({ name: "Hidden", username: "@hidden" })

      yield* fake.userSends(ana, { type: "text", text: { body: "twice" } }, { times: 2 })
      const [first, second] = receiver.received
      expect(first?.raw.equals(second?.raw ?? Buffer.alloc(0))).toBe(true)

      for (const layout of ["messages", "changes", "entries"] as const) {
        receiver.received.length = 0
        const { wamids } = yield* fake.userSendsBatch(
          [
            { who: ana, message: { type: "image", image: { id: "111", mime_type: "image/jpeg", sha256: "x" } } },
            { who: hidden, message: { type: "text", text: { body: `hidden via ${layout}` } } }
          ],
          layout
        )
        const events = yield* decodedEvents(receiver.received.map((item) => item.raw))
        expect(events.map((event) => (event._tag === "DeliveryStatus" || event._tag === "WebhookProblem" ? "" : event.messageId))).toEqual(wamids)
        expect(events[1]).toMatchObject({ _tag: "Text", sender: { userId: hidden.userId, username: "@hidden" } })
        expect(events[1]?._tag === "Text" && events[1].sender.waId).toBeUndefined()
      }

      receiver.received.length = 0
      const sent = yield* messenger.send({ waId: "16505550042" }, text("hello"))
      yield* fake.emitStatuses(sent, ["read", "delivered", "sent"])
      const statuses = (yield* decodedEvents(receiver.received.map((item) => item.raw))).flatMap((event: InboundEvent) =>
        event._tag === "DeliveryStatus" ? [event.status] : []
      )
      expect(statuses).toEqual(["read", "delivered", "sent"])
      const final = statuses.reduce<StatusValue | undefined>((current, next) => (statusAdvances(current, next) ? next : current), undefined)
      expect(final).toBe("read")

      receiver.received.length = 0
      yield* fake.changeNumber(ana, "16505559999")
      const [changed] = yield* decodedEvents(receiver.received.map((item) => item.raw))
      expect(changed).toMatchObject({ _tag: "NumberChanged", sender: { waId: "16505550042", userId: ana.userId }, newWaId: "16505559999" })
    }))
})
