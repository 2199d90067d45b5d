import { Config } from "effect"

export interface HttpServerSettings {
  readonly port: number
  /** Where the bot is reachable from outside, for Astria's and the payment provider's callbacks. */
  readonly publicBaseUrl: string | undefined
}

export const HttpServerSettingsConfig: Config.Config<HttpServerSettings> = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(7070)),
  publicBaseUrl: Config.url("PUBLIC_BASE_URL").pipe(
    Config.map((url) => url.toString().replace(/\/$/, "")),
    Config.option,
    Config.map((value) => (value._tag === "Some" ? value.value : undefined))
  )
})
