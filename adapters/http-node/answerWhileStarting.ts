import type { IncomingMessage, ServerResponse } from "node:http"
import { Schema } from "effect"
import { HealthStatus } from "../../contracts/http/HealthApi.js"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
}

const alive = Schema.encodeSync(HealthStatus)(new HealthStatus({ status: "ok" }))

const starting = Schema.encodeSync(TemporarilyUnavailable)(
  new TemporarilyUnavailable({
    message: "starting: the database, migrations and workers are not up yet, so nothing else is served"
  })
)

/**
 * The API's /health and /ready, in the API's shapes, while the composition is still being built:
 * liveness must not wait for the database (an orchestrator would kill a process that is only
 * starting), and readiness must say why the answer is no rather than hang. True when answered.
 */
export const answerWhileStarting = (request: IncomingMessage, response: ServerResponse): boolean => {
  if (request.method !== "GET") return false
  const path = (request.url ?? "").split("?", 1)[0]
  if (path === "/health") json(response, 200, alive)
  else if (path === "/ready") json(response, 503, starting)
  else return false
  return true
}
