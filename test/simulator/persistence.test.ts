import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Messenger } from "../../application/ports/Messenger.js"
import { OutgoingMessage } from "../../domain/messages/OutgoingMessage.js"
import { FakeGraph, WhatsAppCloudOverFake } from "../../testing/fakes/graph-api/layers.js"
import { Phone } from "../../testing/simulator/ChatView.js"
import { makeSimulator } from "../../testing/simulator/Simulator.js"
import { acceptablePhotos } from "../journey/photos.js"

const dataDir = mkdtempSync(join(tmpdir(), "simulator-restart-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** A bot that acknowledges every webhook and does nothing else: what the person sent is the simulator's. */
const acknowledgingBot = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<{ readonly url: string; readonly close: () => void }>((resolve) => {
        const server = createServer((request, response) => {
          request.resume()
          request.on("end", () => response.writeHead(200).end())
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resolve({ url: `http://127.0.0.1:${port}/SmsReceived`, close: () => server.close() })
        })
      })
  ),
  (bot) => Effect.sync(bot.close)
)

/** One start of the fake Graph API and the simulator over the data directory. */
const started = <A, E>(use: (simulator: Effect.Effect.Success<ReturnType<typeof makeSimulator>>) => Effect.Effect<A, E, Messenger | FakeGraph>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const graph = yield* FakeGraph
      const bot = yield* acknowledgingBot
      yield* graph.setWebhookTarget(bot.url)
      const simulator = yield* makeSimulator(graph, { dataDir: join(dataDir, "simulator") })
      return yield* use(simulator)
    }).pipe(Effect.provide(WhatsAppCloudOverFake({ dataDir: join(dataDir, "graph-api") })))
  )

describe("the simulator across a restart", () => {
  it.live("its people, what they sent (a photo included) and what the bot sent them are there again", () =>
    Effect.gen(function* () {
      const phone = Phone.make("972505555801")
      const before = yield* started((simulator) =>
        Effect.gen(function* () {
          yield* simulator.addPerson({ phone, name: "Noa" })
          yield* simulator.sendText(phone, "hello")
          yield* simulator.sendPhoto(phone, { bytes: acceptablePhotos[0]!, mimeType: "image/jpeg", filename: "me.jpg" })
          const messenger = yield* Messenger
          yield* messenger.send({ waId: phone }, OutgoingMessage.Text({ body: "Welcome, Noa" }))
          return yield* simulator.chat(phone)
        })
      )
      expect(before.items.length).toBe(3)

      const after = yield* started((simulator) =>
        Effect.gen(function* () {
          const graph = yield* FakeGraph
          // The page shows the photo from the fake's media, by id.
          const photoId = decodeURIComponent(before.items.find((item) => item.mediaSrc !== undefined)?.mediaSrc?.split("/").pop() ?? "")
          return {
            people: yield* simulator.people,
            chat: yield* simulator.chat(phone),
            photo: yield* graph.media(photoId)
          }
        })
      )
      expect(after.people).toEqual([{ phone, name: "Noa" }])
      expect(after.chat).toEqual(before)
      expect(after.photo).toEqual(expect.objectContaining({ _tag: "Some" }))
    })
  )
})
