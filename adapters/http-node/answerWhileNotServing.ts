import type { IncomingMessage, ServerResponse } from "node:http"
import { Schema } from "effect"
import { HealthStatus } from "../../contracts/http/HealthApi.js"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
}

const alive = Schema.encodeSync(HealthStatus)(new HealthStatus({ status: "ok" }))

/** Why the server does not serve: the composition is not built yet, or its scope is closing. */
export type NotServing = "starting" | "stopping"

const unavailable = (message: string) => Schema.encodeSync(TemporarilyUnavailable)(new TemporarilyUnavailable({ message }))

const notReady: Record<NotServing, unknown> = {
  starting: unavailable("starting: the database, migrations and workers are not up yet, so nothing else is served"),
  stopping: unavailable("stopping: the bot is shutting down, so nothing else is served")
}

/**
 * The API's /health and /ready, in the API's shapes, while the composition is still being built
 * (or already torn down): liveness must not wait for the database (an orchestrator would kill a
 * process that is only starting), and readiness must say why the answer is no rather than hang.
 * True when answered.
 */
export const answerWhileNotServing = (why: NotServing, request: IncomingMessage, response: ServerResponse): boolean => {
  if (request.method !== "GET") return false
  const path = (request.url ?? "").split("?", 1)[0]
  if (path === "/health") json(response, 200, alive)
  else if (path === "/ready") json(response, 503, notReady[why])
  else return false
  return true
}
