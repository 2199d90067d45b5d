import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import { CheckFailed } from "./Verdict.js"

export interface JsonAnswer {
  readonly status: number
  /** The body parsed as JSON, or the reason it is not JSON. */
  readonly body: Either.Either<unknown, string>
}

const parseJson = Schema.decodeUnknownEither(Schema.parseJson())

/** One GET, its status and JSON body; an unreachable address is a failure naming what was asked. */
export const getJson = (request: HttpClientRequest.HttpClientRequest, what: string) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.acceptJson(request))
    const text = yield* response.text
    return { status: response.status, body: Either.mapLeft(parseJson(text), () => "not JSON") } satisfies JsonAnswer
  }).pipe(
    Effect.scoped,
    Effect.catchTags({
      RequestError: (error) => Effect.fail(new CheckFailed({ reason: `${what} could not be reached: ${error.message}` })),
      ResponseError: (error) => Effect.fail(new CheckFailed({ reason: `${what} answered unreadably: ${error.message}` }))
    })
  )
