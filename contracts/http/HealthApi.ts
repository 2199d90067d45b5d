import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { TemporarilyUnavailable } from "./HttpErrors.js"

export class HealthStatus extends Schema.Class<HealthStatus>("HealthStatus")({
  status: Schema.Literal("ok")
}) {}

export class ReadinessStatus extends Schema.Class<ReadinessStatus>("ReadinessStatus")({
  status: Schema.Literal("ready"),
  services: Schema.Array(Schema.String)
}) {}

/** Served by every process, whatever its `SERVICES`. */
export class HealthApi extends HttpApiGroup.make("health")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(HealthStatus))
  .add(HttpApiEndpoint.get("ready", "/ready").addSuccess(ReadinessStatus).addError(TemporarilyUnavailable))
{}
