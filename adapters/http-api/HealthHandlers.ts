import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Readiness } from "../../application/ports/Readiness.js"
import { HealthStatus, ReadinessStatus } from "../../contracts/http/HealthApi.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { EnabledServices } from "../../application/settings/EnabledServices.js"

export const HealthHandlers = HttpApiBuilder.group(BotApi, "health", (handlers) =>
  Effect.gen(function* () {
    const readiness = yield* Readiness
    const services = yield* EnabledServices
    return handlers
      .handle("health", () => Effect.succeed(new HealthStatus({ status: "ok" })))
      .handle("ready", () =>
        readiness.check.pipe(
          Effect.as(new ReadinessStatus({ status: "ready", services: [...services] })),
          Effect.mapError((error) => new TemporarilyUnavailable({ message: error.reason }))
        )
      )
  })
)
