import { Config, Context, Duration, Effect, Layer } from "effect"

export interface AlertSettingsShape {
  /** How often the operations are checked. */
  readonly interval: Duration.Duration
  /** A reply still unsent after this long is an incident: the sender is stuck or WhatsApp refuses us. */
  readonly outboundBacklog: Duration.Duration
}

export class AlertSettings extends Context.Tag("whatsapp-astria-bot/AlertSettings")<AlertSettings, AlertSettingsShape>() {
  static readonly config: Config.Config<AlertSettingsShape> = Config.all({
    interval: Config.duration("ALERT_CHECK_INTERVAL").pipe(Config.withDefault(Duration.minutes(1))),
    outboundBacklog: Config.duration("ALERT_OUTBOUND_BACKLOG").pipe(Config.withDefault(Duration.minutes(15)))
  })
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (settings) => settings))
}
