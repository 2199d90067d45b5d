import { HttpClient, HttpClientRequest } from "@effect/platform"
import type { ConfigError } from "effect"
import { Duration, Effect, Layer, Option, Schedule, Schema } from "effect"
import {
  InspectionResult,
  PackDetail as PackDetailJson,
  PackList,
  PromptList,
  Prompt as PromptJson,
  Tune as TuneJson,
  TuneList,
  ValidationErrorBodyFromJson,
  validationFields,
  validationMessages
} from "../../contracts/astria/index.js"
import { countAstriaError } from "../../application/metrics/BotMetrics.js"
import type { OrderId, PackId, TuneId } from "../../domain/ids.js"
import type { AstriaError, AstriaService, PackOrigin, PackTuneRequest, PhotoUpload, PromptId } from "../../application/ports/Astria.js"
import {
  Astria,
  AstriaNotFound,
  AstriaOutOfCredits,
  AstriaProtocolError,
  AstriaRateLimited,
  AstriaTimeout,
  AstriaUnauthorized,
  AstriaUnavailable,
  AstriaValidationError,
  CreatedTune
} from "../../application/ports/Astria.js"
import { AstriaHttpConfig } from "./AstriaConfig.js"
import { toInspection, toPackDetail, toPackSummary, toPrompt, toTune } from "./Mapping.js"

/** What a request was about, for `AstriaNotFound`. */
interface Subject {
  readonly resource: string
  readonly id: string
}

const isTransient = (error: AstriaError): boolean =>
  error._tag === "AstriaRateLimited" || error._tag === "AstriaUnavailable" || error._tag === "AstriaTimeout"

const validationError = (status: 400 | 422, raw: string): AstriaValidationError =>
  Option.match(Schema.decodeUnknownOption(ValidationErrorBodyFromJson)(raw), {
    onNone: () => new AstriaValidationError({ status, raw, messages: [raw] }),
    onSome: (body) => new AstriaValidationError({ status, raw, messages: validationMessages(body), fields: validationFields(body) })
  })

/** Each status Astria documents as its own error (docs/api/0-overview.md, "Error Codes"). */
const failureOf = (status: number, raw: string, subject: Subject): AstriaError => {
  switch (status) {
    case 400:
    case 422:
      return validationError(status, raw)
    case 401:
    case 403:
      return new AstriaUnauthorized({ message: `Astria refused the API key (${status})` })
    case 402:
      return new AstriaOutOfCredits({ raw })
    case 404:
      return new AstriaNotFound(subject)
    case 429:
      return new AstriaRateLimited({ message: "Astria rate limit (429)" })
    case 504:
      return new AstriaTimeout({ message: "Astria timed out (504); the request may have gone through" })
    default:
      return new AstriaUnavailable({ status: Option.some(status), message: `Astria answered ${status}: ${raw.slice(0, 200)}` })
  }
}

const photoBlob = (photo: PhotoUpload): Blob => new Blob([photo.bytes.slice()], { type: photo.contentType })

/** The Rails-style multipart body of `POST /p/:id/tunes`. */
export const packTuneForm = (request: PackTuneRequest, testMode: boolean): FormData => {
  const form = new FormData()
  form.append("tune[title]", request.orderId)
  form.append("tune[name]", request.className)
  if (testMode) form.append("tune[branch]", "fast")
  form.append("tune[callback]", request.callbacks.tune)
  form.append("tune[prompts_callback]", request.callbacks.prompts)
  for (const [key, value] of Object.entries(request.characteristics)) {
    form.append(`tune[characteristics][${key}]`, value)
  }
  switch (request.source._tag) {
    case "Photos":
      for (const photo of request.source.photos) form.append("tune[images][]", photoBlob(photo), photo.fileName)
      break
    case "SavedTunes":
      for (const id of request.source.tuneIds) form.append("tune[tune_ids][]", String(id))
      break
  }
  return form
}

const tunesPageSize = 120
const maxPromptPages = 50

export const make = (config: AstriaHttpConfig): Effect.Effect<AstriaService, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(config.apiUrl.replace(/\/+$/, "")),
          HttpClientRequest.bearerToken(config.apiKey),
          HttpClientRequest.acceptJson
        )
      )
    )

    const retrySchedule = Schedule.exponential(config.retryBaseDelay, 2).pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(config.maxRetries))
    )
    const warnBeforeRetry = (error: AstriaError): Effect.Effect<void> =>
      isTransient(error) ? Effect.logWarning("Astria request failed; will retry", error._tag) : Effect.void
    const retryTransient = <A>(effect: Effect.Effect<A, AstriaError>): Effect.Effect<A, AstriaError> =>
      Effect.retry(Effect.tapError(effect, warnBeforeRetry), { schedule: retrySchedule, while: isTransient })

    /** One request; a non-2xx answer becomes a typed error, a 2xx its body as text. */
    const send = (request: HttpClientRequest.HttpClientRequest, subject: Subject): Effect.Effect<string, AstriaError> =>
      client.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.flatMap(response.text, (text) =>
            response.status >= 200 && response.status < 300
              ? Effect.succeed(text)
              : Effect.zipRight(countAstriaError(String(response.status)), Effect.fail(failureOf(response.status, text, subject)))
          )
        ),
        Effect.catchTags({
          RequestError: (error) =>
            Effect.zipRight(countAstriaError("unreachable"), Effect.fail(new AstriaUnavailable({ status: Option.none(), message: error.message }))),
          ResponseError: (error) =>
            Effect.fail(new AstriaUnavailable({ status: Option.some(error.response.status), message: error.message }))
        }),
        Effect.timeoutFail({
          duration: config.requestTimeout,
          onTimeout: () =>
            new AstriaTimeout({ message: `no answer from Astria within ${Duration.format(config.requestTimeout)}` })
        }),
        Effect.tapErrorTag("AstriaTimeout", () => countAstriaError("timeout"))
      )

    const decode =
      <A, I>(schema: Schema.Schema<A, I>) =>
      (text: string): Effect.Effect<A, AstriaError> =>
        Schema.decodeUnknown(Schema.parseJson(schema))(text).pipe(
          Effect.mapError((error) => new AstriaProtocolError({ message: error.message }))
        )

    const request = <A, I>(
      req: HttpClientRequest.HttpClientRequest,
      schema: Schema.Schema<A, I>,
      subject: Subject
    ): Effect.Effect<A, AstriaError> => Effect.flatMap(send(req, subject), decode(schema))

    const findTuneByTitleOnce = (title: OrderId) =>
      Effect.gen(function* () {
        let beforeId: number | undefined
        for (let page = 0; page < config.lookupPages; page++) {
          const tunes = yield* request(
            HttpClientRequest.get("/tunes").pipe(
              HttpClientRequest.setUrlParam("limit", String(tunesPageSize)),
              beforeId === undefined ? (r) => r : HttpClientRequest.setUrlParam("before_id", String(beforeId))
            ),
            TuneList,
            { resource: "tunes", id: title }
          )
          const found = tunes.find((tune) => tune.title === title)
          if (found !== undefined) return Option.some(toTune(found))
          if (tunes.length === 0) return Option.none()
          beforeId = Math.min(...tunes.map((tune) => tune.id))
        }
        return Option.none()
      })

    const postPackTune = (req: PackTuneRequest) =>
      request(
        HttpClientRequest.post(`/p/${req.packId}/tunes`).pipe(
          HttpClientRequest.bodyFormData(packTuneForm(req, config.testMode))
        ),
        TuneJson,
        { resource: "pack", id: String(req.packId) }
      ).pipe(Effect.map((tune) => new CreatedTune({ id: toTune(tune).id, eta: Option.fromNullable(tune.eta) })))

    const lookedUp = (req: PackTuneRequest) =>
      Effect.map(findTuneByTitleOnce(req.orderId), Option.map((tune) => new CreatedTune({ id: tune.id, eta: tune.eta })))

    const createPackTune = (req: PackTuneRequest): Effect.Effect<CreatedTune, AstriaError> => {
      // Every attempt, the first included, looks for the tune an earlier attempt (or an earlier
      // delivery of the same order) may have created: a retry never pays twice.
      const attempt = Effect.flatMap(
        lookedUp(req),
        Option.match({ onNone: () => postPackTune(req), onSome: Effect.succeed })
      ).pipe(
        // A 504 probably went through: give Astria time to finish before looking it up.
        Effect.tapError((error) => (error._tag === "AstriaTimeout" ? Effect.sleep(config.timeoutWait) : Effect.void))
      )
      return retryTransient(attempt).pipe(
        Effect.catchIf(
          (error) => error._tag === "AstriaTimeout",
          (error) => Effect.flatMap(lookedUp(req), Option.match({ onNone: () => Effect.fail(error), onSome: Effect.succeed }))
        )
      )
    }

    const inspectPhoto = (photo: PhotoUpload, expectedClass: string) => {
      const form = new FormData()
      form.append("name", expectedClass)
      form.append("file", photoBlob(photo), photo.fileName)
      return retryTransient(
        request(HttpClientRequest.post("/images/inspect").pipe(HttpClientRequest.bodyFormData(form)), InspectionResult, {
          resource: "image",
          id: photo.fileName
        })
      ).pipe(Effect.map(toInspection))
    }

    const getTune = (id: TuneId) =>
      retryTransient(request(HttpClientRequest.get(`/tunes/${id}`), TuneJson, { resource: "tune", id: String(id) })).pipe(
        Effect.map(toTune)
      )

    const listPrompts = (tuneId: TuneId) =>
      retryTransient(
        Effect.gen(function* () {
          const all: Array<typeof PromptJson.Type> = []
          for (let page = 0; page < maxPromptPages; page++) {
            const prompts = yield* request(
              HttpClientRequest.get(`/tunes/${tuneId}/prompts`).pipe(HttpClientRequest.setUrlParam("offset", String(all.length))),
              PromptList,
              { resource: "tune", id: String(tuneId) }
            )
            if (prompts.length === 0) break
            all.push(...prompts)
          }
          return all.map(toPrompt)
        })
      )

    const getPrompt = (tuneId: TuneId, promptId: PromptId) =>
      retryTransient(
        request(HttpClientRequest.get(`/tunes/${tuneId}/prompts/${promptId}`), PromptJson, {
          resource: "prompt",
          id: String(promptId)
        })
      ).pipe(Effect.map(toPrompt))

    const likePrompt = (promptId: PromptId) =>
      retryTransient(send(HttpClientRequest.post(`/prompts/${promptId}/likes`), { resource: "prompt", id: String(promptId) })).pipe(
        Effect.asVoid
      )

    const listPacksOf = (origin: PackOrigin) =>
      retryTransient(
        request(
          HttpClientRequest.get(origin === "gallery" ? "/gallery/packs" : "/packs").pipe(HttpClientRequest.setUrlParam("listed", "true")),
          PackList,
          { resource: "packs", id: origin }
        )
      ).pipe(Effect.map((packs) => packs.map((pack) => toPackSummary(pack, origin))))

    const listPacks = Effect.map(
      Effect.all([listPacksOf("account"), listPacksOf("gallery")], { concurrency: 2 }),
      ([account, gallery]) => [...account, ...gallery]
    )

    const getPack = (id: PackId) =>
      retryTransient(request(HttpClientRequest.get(`/p/${id}`), PackDetailJson, { resource: "pack", id: String(id) })).pipe(
        Effect.map(toPackDetail)
      )

    const deleteTune = (id: TuneId) =>
      retryTransient(send(HttpClientRequest.del(`/tunes/${id}`), { resource: "tune", id: String(id) })).pipe(
        Effect.asVoid,
        Effect.catchTag("AstriaNotFound", () => Effect.void)
      )

    return Astria.of({
      inspectPhoto: (photo, expectedClass) =>
        Effect.withSpan(inspectPhoto(photo, expectedClass), "Astria.inspectPhoto", { attributes: { expectedClass } }),
      createPackTune: (req) =>
        Effect.withSpan(createPackTune(req), "Astria.createPackTune", {
          attributes: { orderId: req.orderId, packId: req.packId, source: req.source._tag }
        }),
      findTuneByTitle: (title) =>
        Effect.withSpan(retryTransient(findTuneByTitleOnce(title)), "Astria.findTuneByTitle", { attributes: { title } }),
      getTune: (id) => Effect.withSpan(getTune(id), "Astria.getTune", { attributes: { tuneId: id } }),
      listPrompts: (id) => Effect.withSpan(listPrompts(id), "Astria.listPrompts", { attributes: { tuneId: id } }),
      getPrompt: (tuneId, promptId) =>
        Effect.withSpan(getPrompt(tuneId, promptId), "Astria.getPrompt", { attributes: { tuneId, promptId } }),
      likePrompt: (id) => Effect.withSpan(likePrompt(id), "Astria.likePrompt", { attributes: { promptId: id } }),
      listPacks: Effect.withSpan(listPacks, "Astria.listPacks"),
      getPack: (id) => Effect.withSpan(getPack(id), "Astria.getPack", { attributes: { packId: id } }),
      deleteTune: (id) => Effect.withSpan(deleteTune(id), "Astria.deleteTune", { attributes: { tuneId: id } })
    })
  })

/** The adapter with explicit settings (tests, embedding teams with their own configuration). */
export const layer = (config: AstriaHttpConfig): Layer.Layer<Astria, never, HttpClient.HttpClient> =>
  Layer.effect(Astria, make(config))

/** The adapter configured from the environment (see `AstriaHttpConfig` for the keys). */
export const fromConfig: Layer.Layer<Astria, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.unwrapEffect(
  Effect.map(AstriaHttpConfig, layer)
)
