import { Config, Option } from "effect"
import { setting } from "../../application/settings/presentSetting.js"

export interface HttpServerSettings {
  readonly port: number
  /**
   * The address to listen on. In development, loopback unless `HOST` says otherwise: the
   * simulator and the fakes' pages are for this machine. In production, every interface.
   */
  readonly host: string
}

export const HttpServerSettingsConfig: Config.Config<HttpServerSettings> = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(7070)),
  host: Config.all([setting("HOST"), setting("ENVIRONMENT")]).pipe(
    Config.map(([host, environment]) =>
      Option.getOrElse(host, () => (Option.exists(environment, (value) => value.toLowerCase() === "production") ? "0.0.0.0" : "127.0.0.1"))
    )
  )
})
