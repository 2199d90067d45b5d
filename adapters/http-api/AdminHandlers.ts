import { HttpApiBuilder } from "@effect/platform"
import { Effect, Layer, Metric } from "effect"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { readStoredState } from "../../application/metrics/readStoredState.js"
import { PreviewRebuildAccepted } from "../../contracts/http/AdminApi.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import { TemporarilyUnavailable } from "../../contracts/http/HttpErrors.js"
import { AdminAuthorizationLive } from "./AdminAuthorizationLive.js"
import { AdminSettings } from "./AdminSettings.js"
import { prometheusText } from "./prometheusText.js"

/**
 * Operator endpoints behind `ADMIN_TOKEN`. The rebuild is handed to the background runner, whose
 * scope is the server's: it goes on after the 202 and outlives the request. The metrics read the
 * stored state's gauges at the scrape, then render every metric of this process.
 */
export const AdminHandlers = HttpApiBuilder.group(BotApi, "admin", (handlers) =>
  Effect.gen(function* () {
    const rebuilds = yield* PreviewRebuilds
    const context = yield* Effect.context<Effect.Effect.Context<typeof readStoredState>>()
    return handlers
      .handle("updateImages", () =>
        rebuilds.request({ force: true }).pipe(
          Effect.zipRight(Effect.logInfo("Pack previews rebuild requested")),
          Effect.as(new PreviewRebuildAccepted({ status: "accepted" }))
        )
      )
      .handle("metrics", () =>
        readStoredState.pipe(
          Effect.provide(context),
          Effect.catchTag("StorageUnavailable", (error) =>
            Effect.logWarning("Metrics not read: storage is unavailable", { reason: error.reason }).pipe(
              Effect.zipRight(Effect.fail(new TemporarilyUnavailable({ message: "Storage is unavailable; retry later." })))
            )
          ),
          Effect.zipRight(Metric.snapshot),
          Effect.map(prometheusText)
        )
      )
  })
).pipe(Layer.provide(AdminAuthorizationLive), Layer.provide(AdminSettings.fromConfig))
