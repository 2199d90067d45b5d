import { Effect, Layer } from "effect"
import { CallbackUrls } from "../../application/ports/CallbackUrls.js"
import { callbackUrl } from "../astria/Callbacks.js"
import { generateCallbackToken, verifyCallbackToken } from "../astria/CallbackToken.js"

/** Callback URLs under our public base URL, each with a fresh random secret of which only the hash is kept. */
export const AstriaCallbackUrls = {
  layer: (publicBaseUrl: string) =>
    Layer.succeed(CallbackUrls, {
      issue: (orderId) =>
        Effect.map(generateCallbackToken, (token) => ({
          url: callbackUrl(publicBaseUrl, orderId, token.token),
          tokenHash: token.hash
        })),
      verify: verifyCallbackToken
    })
}
