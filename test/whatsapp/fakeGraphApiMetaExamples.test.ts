import { readFileSync } from "node:fs"
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { parse } from "yaml"
import { GraphErrorBody } from "../../contracts/whatsapp/GraphError.js"
import { MarkReadBody, MediaLookupResponse, SendMessageBody, SendMessageResponse, SuccessResponse } from "../../contracts/whatsapp/Send.js"
import { makeFakeGraphApi, type FakeGraphApi } from "../../testing/fakes/graph-api/FakeGraphApi.js"

/**
 * Meta's own examples of sending and of media (test/fixtures/meta-openapi/), replayed against the
 * fake Graph API: each send the bot's contract covers is accepted with the documented response
 * shape; each it does not is refused as Meta would, in a short answer.
 */

const Examples = Schema.Record({ key: Schema.String, value: Schema.Struct({ value: Schema.Unknown }) })
const JsonContent = Schema.Struct({ "application/json": Schema.Struct({ examples: Examples }) })
const Operation = Schema.Struct({
  requestBody: Schema.optional(Schema.Struct({ content: JsonContent })),
  responses: Schema.Struct({ "200": Schema.Struct({ content: JsonContent }) })
})
const Excerpt = Schema.Struct({
  paths: Schema.Struct({
    "/{Version}/{Phone-Number-ID}/messages": Schema.Struct({ post: Operation }),
    "/{Version}/{Phone-Number-ID}/media": Schema.Struct({ post: Operation }),
    "/{Version}/{Media-ID}": Schema.Struct({ get: Operation, delete: Operation })
  })
})

const excerpt = Schema.decodeUnknownSync(Excerpt)(
  parse(readFileSync(new URL("../fixtures/meta-openapi/business-messaging-api_v23.0.send-and-media.yaml", import.meta.url), "utf8"))
)
const messages = excerpt.paths["/{Version}/{Phone-Number-ID}/messages"].post
const upload = excerpt.paths["/{Version}/{Phone-Number-ID}/media"].post
const mediaNode = excerpt.paths["/{Version}/{Media-ID}"]
const requestExamples = (operation: typeof Operation.Type) => Object.entries(operation.requestBody?.content["application/json"].examples ?? {})
const responseExamples = (operation: typeof Operation.Type) => operation.responses["200"].content["application/json"].examples

/**
 * Examples outside the bot's contract, and Meta's answer to each: the types the bot never sends
 * (131051), a reply to a list that leaves out `type` (so it is text, without text: 131008), and
 * a quick-reply button whose `text` is a boolean (100).
 */
const refusedExamples: Readonly<Record<string, number>> = {
  "Send Catalog Message": 131051,
  "Send Catalog Template Message": 131051,
  "Send Contact Message": 131051,
  "Send Reply to Contact Message": 131051,
  "Send Draft Flow by ID": 131051,
  "Send Draft Flow by Name": 131051,
  "Send Published Flow by ID": 131051,
  "Send Published Flow by Name": 131051,
  "Send Flow Template Message": 131051,
  "Send Location Message": 131051,
  "Send Reply to Location Message": 131051,
  "Send Message Template Interactive": 131051,
  "Send Message Template Media": 131051,
  "Send Message Template Text": 131051,
  "Send Sample Shipping Confirmation Template": 131051,
  "Send Sample Text Message": 131051,
  "Send Multi-Product Message": 131051,
  "Send Single Product Message": 131051,
  "Send Order Details Message": 131051,
  "Send Order Status Message": 131051,
  "Send Reply to List Message": 131008,
  "Send Sample Issue Resolution Template": 100
}

const recipient = "16505551234"
/** The uploads Meta's media ids stand for, by the word in the placeholder (`<IMAGE_OBJECT_ID>`). */
const mimeOfPlaceholder: Readonly<Record<string, string>> = {
  AUDIO: "audio/ogg",
  DOCUMENT: "application/pdf",
  IMAGE: "image/jpeg",
  // The sticker examples say MEDIA.
  MEDIA: "image/webp",
  STICKER: "image/webp",
  VIDEO: "video/mp4"
}

const isRecord = Schema.is(Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * Meta's placeholders made real: the recipient a phone number, `http(s)://` links https, and
 * media ids ones the fake holds. Everything else is sent as written.
 */
const realize = (value: unknown, mediaId: (kind: string) => string): unknown => {
  if (typeof value === "string") {
    if (/^\{\{Recipient(-WA)?-Phone-Number\}\}$/.test(value)) return recipient
    const placeholderId = /^<(\w+)_OBJECT_ID>$/.exec(value)
    if (placeholderId !== null) return mediaId(placeholderId[1] ?? "")
    return /^<?http\(s\):\/\//.test(value) ? value.replace(/^<?http\(s\)/, "https").replace(/>$/, "") : value
  }
  if (Array.isArray(value)) return value.map((item) => realize(item, mediaId))
  return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, realize(item, mediaId)])) : value
}

/** Keys and JSON types, recursively; an array by its first element. */
const shapeOf = (value: unknown): unknown =>
  Array.isArray(value)
    ? [shapeOf(value[0])]
    : isRecord(value)
      ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shapeOf(item)]))
      : typeof value

/** The documented answer of a request example; Meta names some slightly differently, and one catch-all. */
const documentedAnswer = (name: string): unknown => {
  const answers = responseExamples(messages)
  const wanted = name.toLowerCase().replace(/messages?\b/g, "message")
  const match = Object.entries(answers).find(([answer]) => answer.toLowerCase().replace(/messages?\b/g, "message") === wanted)
  return (match?.[1] ?? answers["Example response"])?.value
}

/** Meta's text examples leave `type` out: a message without one is text. */
const withMetaDefaults = (body: unknown) => (isRecord(body) && body["type"] === undefined && !("status" in body) ? { ...body, type: "text" } : body)
const coveredByContract = (body: unknown) =>
  Either.isRight(Schema.decodeUnknownEither(Schema.Union(SendMessageBody, MarkReadBody))(withMetaDefaults(body)))

const request = (fake: FakeGraphApi, method: "GET" | "POST" | "DELETE", path: string, body?: HttpBody.HttpBody) =>
  Effect.gen(function* () {
    const base = HttpClientRequest.make(method)(path.startsWith("http") ? path : `${fake.baseUrl}${path}`).pipe(HttpClientRequest.bearerToken(fake.accessToken))
    const response = yield* (yield* HttpClient.HttpClient).execute(body === undefined ? base : HttpClientRequest.setBody(base, body))
    return { status: response.status, json: yield* response.json.pipe(Effect.orElseSucceed((): unknown => undefined)) }
  }).pipe(Effect.orDie)

const abbreviatedTypes: ReadonlyMap<string, string> = new Map([
  ["ogg", "audio/ogg"],
  ["webp", "image/webp"]
])

/**
 * Meta's upload examples are curl's `-F file=@path;type=mime` written as JSON; replayed as the
 * multipart upload they stand for. Their abbreviated types (`ogg`, `webp`) are read as the MIME
 * types they abbreviate.
 */
const uploadLike = (fake: FakeGraphApi, curlFile: string) => {
  const [, path = "", declared = ""] = /^@([^;]+);type=(.+)$/.exec(curlFile) ?? []
  const mimeType = declared.includes("/") ? declared : (abbreviatedTypes.get(declared) ?? declared)
  const form = new FormData()
  form.append("messaging_product", "whatsapp")
  form.append("file", new Blob([Uint8Array.from([1, 2, 3, 4])], { type: mimeType }), path.split("/").pop())
  return request(fake, "POST", `/${fake.phoneNumberId}/media`, HttpBody.formData(form))
}

describe("Meta's examples of sending and of media, replayed against the fake Graph API", () => {
  it.scopedLive("every send example is either covered by the contract and accepted as documented, or refused as Meta would", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi({ customerServiceWindow: "off", pairRate: "off" })
      const uploaded = new Map<string, string>()
      for (const [kind, mimeType] of Object.entries(mimeOfPlaceholder)) {
        const answer = yield* uploadLike(fake, `@/local/path/file;type=${mimeType}`)
        uploaded.set(kind, Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(answer.json).id)
      }
      const examples = requestExamples(messages).map(([name, example]) => ({ name, body: realize(example.value, (kind) => uploaded.get(kind) ?? "") }))
      const covered = examples.filter((example) => coveredByContract(example.body))
      // Every example is accounted for: covered, or refused with a known answer.
      expect([...covered.map((example) => example.name), ...Object.keys(refusedExamples)].sort()).toEqual(examples.map((example) => example.name).sort())
      expect(covered.length).toBeGreaterThanOrEqual(25)

      for (const { body, name } of examples) {
        const answer = yield* request(fake, "POST", `/${fake.phoneNumberId}/messages`, HttpBody.unsafeJson(body))
        const refusedWith = refusedExamples[name]
        if (refusedWith === undefined) {
          expect({ name, status: answer.status, answer: answer.json }).toMatchObject({ name, status: 200 })
          const documented = documentedAnswer(name)
          expect({ name, shape: shapeOf(answer.json) }).toMatchObject({ name, shape: shapeOf(documented) })
          if (isRecord(body) && body["status"] === "read") {
            expect(Schema.decodeUnknownSync(SuccessResponse)(answer.json)).toEqual({ success: true })
          } else {
            const sent = Schema.decodeUnknownSync(SendMessageResponse)(answer.json)
            const to = isRecord(body) && typeof body["to"] === "string" ? body["to"] : ""
            expect({ name, contact: sent.contacts?.[0] }).toMatchObject({ name, contact: { input: to, wa_id: to.replace(/\D/g, "") } })
          }
        } else {
          expect({ name, status: answer.status }).toEqual({ name, status: 400 })
          expect(JSON.stringify(answer.json).length, name).toBeLessThan(400)
          expect({ name, code: Schema.decodeUnknownSync(GraphErrorBody)(answer.json).error.code }).toEqual({ name, code: refusedWith })
        }
      }
      const accepted = covered.filter((example) => isRecord(example.body) && example.body["status"] !== "read")
      expect(yield* fake.received(recipient)).toHaveLength(accepted.filter((example) => isRecord(example.body) && example.body["to"] === recipient).length)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scopedLive("the upload, retrieve, download and delete examples answer the documented shapes", () =>
    Effect.gen(function* () {
      const fake = yield* makeFakeGraphApi()
      const uploads = requestExamples(upload)
      expect(uploads.map(([name]) => name).sort()).toEqual(["Upload Audio", "Upload Image", "Upload Sticker"])
      for (const [name, example] of uploads) {
        const file = isRecord(example.value) && typeof example.value["file"] === "string" ? example.value["file"] : ""
        const answer = yield* uploadLike(fake, file)
        expect({ name, status: answer.status }).toEqual({ name, status: 200 })
        expect({ name, shape: shapeOf(answer.json) }).toEqual({ name, shape: shapeOf(responseExamples(upload)["Upload Image JSON"]?.value) })
        const id = Schema.decodeUnknownSync(Schema.Struct({ id: Schema.String }))(answer.json).id

        const lookup = yield* request(fake, "GET", `/${id}?phone_number_id=${fake.phoneNumberId}`)
        expect({ name, shape: shapeOf(lookup.json) }).toEqual({ name, shape: shapeOf(responseExamples(mediaNode.get)["Retrieve Media URL"]?.value) })
        const found = Schema.decodeUnknownSync(MediaLookupResponse)(lookup.json)
        expect(found.file_size).toBe(4)
        expect((yield* request(fake, "GET", found.url)).status).toBe(200)

        const deleted = yield* request(fake, "DELETE", `/${id}?phone_number_id=${fake.phoneNumberId}`)
        expect({ name, answer: deleted.json }).toEqual({ name, answer: responseExamples(mediaNode.delete)["Delete Media"]?.value })
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})
