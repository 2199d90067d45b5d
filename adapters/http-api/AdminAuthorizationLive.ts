import { createHash, timingSafeEqual } from "node:crypto"
import { Effect, Layer, Option, Redacted } from "effect"
import { AdminAuthorization, AdminDisabled } from "../../contracts/http/AdminApi.js"
import { Unauthenticated } from "../../contracts/http/HttpErrors.js"
import { AdminSettings } from "./AdminSettings.js"

/** Digests first, so that the comparison takes the same time whatever the lengths. */
const sameToken = (expected: Redacted.Redacted<string>, presented: Redacted.Redacted<string>): boolean =>
  timingSafeEqual(
    createHash("sha256").update(Redacted.value(expected)).digest(),
    createHash("sha256").update(Redacted.value(presented)).digest()
  )

export const AdminAuthorizationLive = Layer.effect(
  AdminAuthorization,
  Effect.map(AdminSettings, ({ previousToken, token }) =>
    AdminAuthorization.of({
      bearer: (presented) =>
        Option.match(token, {
          onNone: () => Effect.fail(new AdminDisabled({ message: "ADMIN_TOKEN is not configured" })),
          onSome: (expected) =>
            Redacted.value(presented).length > 0 &&
            // Both compared, whichever matches: the time taken tells nothing about which one it was.
            [sameToken(expected, presented), Option.exists(previousToken, (previous) => sameToken(previous, presented))].includes(true)
              ? Effect.void
              : Effect.fail(new Unauthenticated({ message: "a valid bearer token is required" }))
        })
    })
  )
)
