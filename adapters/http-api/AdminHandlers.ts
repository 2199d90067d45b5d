import { HttpApiBuilder } from "@effect/platform"
import { Effect, Layer } from "effect"
import { PreviewRebuilds } from "../../application/catalogue/PreviewRebuilds.js"
import { PreviewRebuildAccepted } from "../../contracts/http/AdminApi.js"
import { BotApi } from "../../contracts/http/BotApi.js"
import { AdminAuthorizationLive } from "./AdminAuthorizationLive.js"
import { AdminSettings } from "./AdminSettings.js"

/**
 * Operator endpoints behind `ADMIN_TOKEN`. The rebuild is handed to the background runner, whose
 * scope is the server's: it goes on after the 202 and outlives the request.
 */
export const AdminHandlers = HttpApiBuilder.group(BotApi, "admin", (handlers) =>
  Effect.gen(function* () {
    const rebuilds = yield* PreviewRebuilds
    return handlers.handle("updateImages", () =>
      rebuilds.request({ force: true }).pipe(
        Effect.zipRight(Effect.logInfo("Pack previews rebuild requested")),
        Effect.as(new PreviewRebuildAccepted({ status: "accepted" }))
      )
    )
  })
).pipe(Layer.provide(AdminAuthorizationLive), Layer.provide(AdminSettings.fromConfig))
