import { Config, Context, Duration, Effect, Layer } from "effect"

export interface MaintenanceSettingsShape {
  /** Inbound message history is kept this long (`HISTORY_RETENTION_DAYS`, default 14). */
  readonly historyRetention: Duration.Duration
  /** Photos of people who never paid are kept this long. */
  readonly unpaidPhotoRetention: Duration.Duration
  /** Published outbox rows are kept this long, for tracing a delivery after the fact. */
  readonly publishedOutboxRetention: Duration.Duration
}

export const defaultMaintenanceSettings: MaintenanceSettingsShape = {
  historyRetention: Duration.days(14),
  unpaidPhotoRetention: Duration.days(30),
  publishedOutboxRetention: Duration.days(7)
}

export class MaintenanceSettings extends Context.Tag("whatsapp-astria-bot/MaintenanceSettings")<
  MaintenanceSettings,
  MaintenanceSettingsShape
>() {
  static readonly config: Config.Config<MaintenanceSettingsShape> = Config.integer("HISTORY_RETENTION_DAYS").pipe(
    Config.validate({ message: "Expected a whole number of days, at least 1", validation: (days) => days >= 1 }),
    Config.withDefault(14),
    Config.map((days) => ({ ...defaultMaintenanceSettings, historyRetention: Duration.days(days) }))
  )
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
  static readonly defaults = Layer.succeed(this, defaultMaintenanceSettings)
}
