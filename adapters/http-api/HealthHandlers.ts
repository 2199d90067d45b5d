import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { Readiness } from "../../application/ports/Readiness.js"
import { WorkerHealth } from "../../application/workers/WorkerHealth.js"
import { HealthStatus, ReadinessStatus } from "../../contracts/http/HealthApi.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { EnabledServices } from "../../application/settings/EnabledServices.js"

/**
 * /health: the process answers (liveness; a stopped worker does not make it so, a restart would
 * not help what a restart of the worker does not). /ready: storage is usable and every worker of
 * this process runs, where the runtime supervises workers (WorkerHealth); else 503 saying why.
 */
export const HealthHandlers = HttpApiBuilder.group(BotApi, "health", (handlers) =>
  Effect.gen(function* () {
    const readiness = yield* Readiness
    const workers = yield* Effect.serviceOption(WorkerHealth)
    const services = yield* EnabledServices
    const workersRun = Option.match(workers, { onNone: () => Effect.void, onSome: (health) => health.check })
    return handlers
      .handle("health", () => Effect.succeed(new HealthStatus({ status: "ok" })))
      .handle("ready", () =>
        readiness.check.pipe(
          Effect.zipRight(workersRun),
          Effect.as(new ReadinessStatus({ status: "ready", services: [...services] })),
          Effect.mapError((error) => new TemporarilyUnavailable({ message: error.reason }))
        )
      )
  })
)
