import { createHash } from "node:crypto"
import { SqlClient } from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { PgEventBroker } from "../../adapters/postgres/PgEventBroker.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { serviceBusEntities } from "../../adapters/service-bus/ServiceBusEntities.js"
import { ServiceBusEventBroker } from "../../adapters/service-bus/ServiceBusEventBroker.js"
import { EventBroker } from "../../application/ports/EventBroker.js"
import type { ServiceName } from "../../application/settings/EnabledServices.js"
import { botSubscriptions } from "../../application/workers/Consumers.js"
import { BotDriver, type DriverUser } from "../../testing/BotDriver.js"
import type { SeenMessage } from "../../testing/SeenMessage.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { FakeGraph, FakeGraphLive } from "../../testing/fakes/graph-api/layers.js"
import { FakePaymentProvider } from "../../testing/fakes/payments/FakePaymentProvider.js"
import { payOnFakeCheckout } from "../../testing/FakeParts.js"
import { acceptablePhotos } from "../journey/photos.js"
import { after, englishWords as words, next } from "../journey/steps.js"
import { startFakeServiceBus } from "../service-bus/FakeServiceBus.js"
import { freshSchema, inCi, isReachable } from "../support/TestDatabase.js"
import { childBot, freePort, graphEnvironment } from "./childBot.js"
import { holdingProxy } from "./splitDeploymentSupport.js"
import { clientOf, logFile, urlOf } from "./support.js"

const reachable = await isReachable()

const paymentSecret = "split-deployment-payment-secret"

/** A step of the journey on a busy two-core machine with three bot processes. */
const stepMillis = 30_000
/** The photos' step outlasts a restart of the image process and, on Postgres, the killed process's 30 s lease. */
const photosMillis = 120_000

/** Meta's media download: the photo's bytes, which the image service fetches while it handles the photo. */
const isMediaDownload = (request: { readonly method?: string | undefined; readonly url?: string | undefined }) =>
  request.method === "GET" && (request.url ?? "").startsWith("/whatsapp_business/attachments")

const count = (seen: ReadonlyArray<SeenMessage>, match: (message: SeenMessage) => boolean) => seen.filter(match).length

const isRatingList = (m: SeenMessage) => m.kind === "List" && m.rows.some((row) => row.title === "⭐⭐⭐⭐⭐")

const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** Every occurrence of a value after its first. */
const repeated = (values: ReadonlyArray<string>) => values.filter((value, i) => values.indexOf(value) !== i)

const isChoice = (m: SeenMessage) => m.kind === "List" || m.kind === "LinkButton" || m.buttons.length > 0

/**
 * Answers what the bot offers after `from` (a list: its first row; buttons: "I agree", else the
 * first) until it sends the payment link; answers what the person saw. Each answer waits for the
 * bot to go quiet, so that it answers the last of what the bot said.
 */
const untilPaymentLink = (user: DriverUser, from: number) =>
  Effect.gen(function* () {
    let mark = from
    for (let step = 0; step < 8; step++) {
      yield* next(user, mark, "a choice or the payment link", isChoice, stepMillis)
      yield* Effect.flatMap(BotDriver, (driver) => driver.quiescent({ timeoutMillis: stepMillis, settleMillis: 1000 }))
      const seen = yield* user.seen
      const offered = after(seen, mark).filter(isChoice).at(-1)!
      if (offered.kind === "LinkButton") return seen
      mark = seen.length
      const agree = offered.buttons.find((button) => button.title === words.agree)
      yield* offered.rows.length > 0 ? user.picks(offered.rows[0]!.id) : user.taps((agree ?? offered.buttons[0]!).id)
    }
    return yield* Effect.dieMessage("no payment link after eight choices")
  })

/**
 * Issue 22, item 4: the bot split as it is deployed, the message, image and payment services
 * (`SERVICES`) each in its own `npm start` process, sharing only Postgres and the broker: Service
 * Bus (the fake namespace of this test process, over AMQP) or, without it, the Postgres broker.
 * WhatsApp, Astria and the checkout are the fakes of this test process, reached over HTTP. A
 * person goes the whole way, hello to rating; the image process is killed (SIGKILL) while it is
 * downloading the second photo, and started again.
 */
describe.skipIf(!reachable && !inCi)("the split deployment: message, image and payment services as three processes", () => {
  for (const serviceBus of [true, false]) {
    const broker = serviceBus ? "Service Bus" : "the Postgres broker"
    it.live(`a whole journey over ${broker}, the image process killed mid-photo and restarted: nothing lost, nothing twice`, () =>
      Effect.gen(function* () {
        const client = yield* clientOf(freshSchema(serviceBus ? "split_sb" : "split_pg"))
        const namespace = serviceBus
          ? Option.some(
              yield* Effect.acquireRelease(
                Effect.promise(() =>
                  startFakeServiceBus({
                    topic: serviceBusEntities.topic,
                    subscriptions: botSubscriptions,
                    maxDeliveryCount: serviceBusEntities.maxDeliveryCount
                  })
                ),
                (fake) => Effect.promise(() => fake.close())
              )
            )
          : Option.none()
        // The test's own view of the deployment, for the driver's quiescence: the database (migrated
        // here, before any process starts) and the broker's dead letters.
        const brokerView: Layer.Layer<EventBroker, unknown, SqlClient> = Option.match(namespace, {
          onNone: () => PgEventBroker.layer({ subscriptions: botSubscriptions }),
          onSome: (fake) =>
            ServiceBusEventBroker.layer({
              subscriptions: botSubscriptions,
              maxDeliveries: serviceBusEntities.maxDeliveryCount,
              topic: serviceBusEntities.topic,
              connectionString: Redacted.make(fake.connectionString)
            })
        })
        const world = yield* Layer.build(
          BotDriver.layer.pipe(
            Layer.provideMerge(
              Layer.mergeAll(
                FakeGraphLive({ pairRate: "off" }),
                FakeAstria.layer(),
                payOnFakeCheckout.pipe(Layer.provideMerge(FakePaymentProvider.layer({ secret: paymentSecret }))),
                Layer.merge(PgStorage, brokerView).pipe(Layer.provide(Layer.succeed(SqlClient, client)))
              )
            )
          )
        )
        const graph = Context.get(world, FakeGraph)
        const astria = Context.get(world, FakeAstria)
        const payments = Context.get(world, FakePaymentProvider)
        const driver = Context.get(world, BotDriver)
        // The image service reaches Meta through a proxy that holds its second photo download.
        const imageGraph = yield* holdingProxy(graph.baseUrl, { holds: isMediaDownload, nth: 2 })

        const settings = {
          ...graphEnvironment(graph),
          // Every external part real, each talking to this process's fakes.
          FAKES: "",
          ASTRIA_API_URL: astria.baseUrl,
          ASTRIA_API_KEY: astria.apiKey,
          ASTRIA_TEST_MODE: "true",
          ASTRIA_RETRY_BASE_DELAY: "10 millis",
          ASTRIA_TIMEOUT_WAIT: "20 millis",
          PAYMENT_PROVIDER: "links",
          PAYMENT_LINK_TEMPLATE: payments.linkTemplate,
          PAYMENT_WEBHOOK_SECRET: paymentSecret,
          DATABASE_URL: urlOf(client),
          PHOTO_THRESHOLD: String(acceptablePhotos.length),
          RETURNING_DISCOUNT_PERCENT: "20",
          ...Option.match(namespace, { onNone: () => ({}), onSome: (fake) => ({ SERVICEBUS_CONNECTION_STRING: fake.connectionString }) })
        }
        const imagePort = yield* Effect.promise(freePort)
        const start = (service: ServiceName, port: number, label: string, extra: Readonly<Record<string, string>> = {}) =>
          childBot({ port, env: { ...settings, SERVICES: service, ...extra }, logFile: logFile(`split-${broker.replace(/\W/g, "")}-${label}`) })
        const startImage = (label: string) => start("image", imagePort, label, { WHATSAPP_API_URL: imageGraph.baseUrl })
        // One after another: three starts at once on a busy two-core machine can outlast the wait for /ready.
        const message = yield* start("message", yield* Effect.promise(freePort), "message")
        const image = yield* startImage("image-first")
        const payment = yield* start("payment", yield* Effect.promise(freePort), "payment")
        yield* graph.setWebhookTarget(`${message.baseUrl}/SmsReceived`)
        yield* payments.control.setWebhookUrl(`${payment.baseUrl}/payment-received`)

        const dana = yield* driver.user({ waId: "972504700001", name: "Dana" })
        yield* dana.says("hello")
        let seen = yield* next(dana, 0, "the welcome list", (m) => m.kind === "List" && m.rows.some((r) => r.title === words.begin), stepMillis)
        yield* dana.picks(words.begin)
        seen = yield* next(dana, seen.length, "the guidelines", (m) => m.buttons.some((b) => b.title === words.ready), stepMillis)
        let mark = seen.length
        yield* dana.taps(words.ready)
        yield* dana.agreesToPhotos(stepMillis)
        seen = yield* next(dana, mark, "the go-ahead for photos", (m) => m.kind === "Text", stepMillis)

        // The photos; the image process dies while it fetches the second one, and comes back.
        mark = seen.length
        const photos = yield* Effect.forEach(acceptablePhotos, (photo) => dana.sendsPhoto(photo))
        yield* imageGraph.held.pipe(Effect.timeoutFail({ duration: Duration.millis(stepMillis), onTimeout: () => new Error("no second photo download") }))
        yield* image.kill
        yield* startImage("image-second")
        seen = yield* next(dana, mark, "the question who is in the photos", (m) => m.rows.some((r) => r.title === words.personClass), photosMillis)
        yield* dana.picks(words.personClass!)
        seen = yield* next(dana, mark, "the pictures menu", (m) => m.rows.some((r) => r.title === words.done), stepMillis)
        const reactedTo = after(seen, mark).flatMap((m) => (m.kind === "Reaction" && m.reactsTo !== undefined ? [m.reactsTo] : []))
        expect([...reactedTo].sort()).toEqual([...photos].sort())
        // Each photo stored once (the conversation deletes them once the order is delivered).
        const [stored] = yield* client<{ readonly n: number }>`SELECT count(*)::int AS n FROM photos`
        expect(stored?.n).toBe(acceptablePhotos.length)

        // The order, whatever the catalogue's order of questions: the first choice each time, the terms agreed.
        yield* dana.picks(words.done)
        seen = yield* untilPaymentLink(dana, seen.length).pipe(Effect.provide(world))

        // Paid on the checkout, whose webhook reaches the payment process; training starts there.
        mark = seen.length
        yield* dana.paysLatestLink
        expect((yield* payments.control.deliveries).map((delivery) => delivery.status)).toEqual([200])
        seen = yield* next(dana, mark, "the training ETA", (m) => words.eta.test(m.text), stepMillis)
        expect(count(after(seen, mark), (m) => words.paid.test(m.text))).toBe(1)

        // Astria trains and renders; its callbacks reach the payment process, the images the person.
        mark = seen.length
        const deliveryMark = mark
        yield* driver.astriaCompletesAll
        seen = yield* next(dana, mark, "the rating list", isRatingList, stepMillis)
        expect(after(seen, mark).some((m) => words.imagesReady.test(m.text))).toBe(true)
        mark = seen.length
        yield* dana.picks("⭐⭐⭐⭐⭐")
        seen = yield* next(dana, mark, "thanks and the returning offer", (m) => words.discount.test(m.text), stepMillis)

        // Nothing left anywhere: no event waiting in the broker, then nothing moving for a second.
        const queued = Option.match(namespace, {
          onNone: () => Effect.map(client<{ readonly n: number }>`SELECT count(*)::int AS n FROM event_deliveries WHERE state = 'queued'`, ([row]) => row?.n ?? -1),
          onSome: (fake) => Effect.sync(() => fake.pending())
        })
        yield* queued.pipe(
          Effect.filterOrFail((n) => n === 0, (n) => new Error(`${n} event(s) still queued`)),
          Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo(Duration.millis(stepMillis))))
        )
        yield* driver.quiescent({ timeoutMillis: stepMillis, settleMillis: 1000 }).pipe(Effect.provide(world))

        // Nothing lost and nothing twice.
        const all = yield* dana.seen
        expect(repeated(all.flatMap((m) => (m.kind === "Reaction" && m.reactsTo !== undefined ? [m.reactsTo] : [])))).toEqual([])
        expect(count(all, (m) => words.enough.test(m.text))).toBe(1)
        expect(count(all, (m) => words.paid.test(m.text))).toBe(1)
        expect((yield* astria.control.tunes).length).toBe(1)
        // Each headshot uploaded and sent once: told apart by its bytes, as each upload has a new media id.
        const images = yield* Effect.forEach(
          after(all, deliveryMark).filter((m) => m.kind === "Image"),
          (m) => Effect.map(graph.media(m.mediaId ?? ""), (media) => Option.match(media, { onNone: () => "missing", onSome: ({ bytes }) => digest(bytes) }))
        )
        const rendered = (yield* Effect.forEach(yield* astria.control.tunes, (tune) => astria.control.promptsOf(tune.id))).flat().flatMap((p) => p.images ?? [])
        expect(rendered.length).toBeGreaterThanOrEqual(12)
        expect(images).not.toContain("missing")
        expect(repeated(images)).toEqual([])
        expect(images.length).toBe(rendered.length)
        expect(count(all, isRatingList)).toBe(1)
        expect(count(all, (m) => words.thanks.test(m.text))).toBe(1)
        const eventBroker = Context.get(world, EventBroker)
        expect((yield* Effect.forEach(botSubscriptions, (subscription) => eventBroker.deadLetters(subscription.name))).flat()).toEqual([])
        const unsent = yield* client<{ readonly status: string }>`SELECT status FROM outbound_messages WHERE status IN ('pending', 'failed')`
        expect(unsent).toEqual([])
      }).pipe(Effect.scoped), 600_000)
  }
})
