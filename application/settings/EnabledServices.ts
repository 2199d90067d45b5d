import { Config, Context, Effect, Layer, Schema } from "effect"

/** The four services of the original bot; one process runs any of them (`SERVICES`, default all). */
export const ServiceName = Schema.Literal("message", "image", "payment", "maintenance")
export type ServiceName = typeof ServiceName.Type

export const allServices: ReadonlyArray<ServiceName> = ServiceName.literals

const servicesConfig = Config.array(Config.literal(...ServiceName.literals)(), "SERVICES").pipe(
  Config.withDefault(allServices)
)

export class EnabledServices extends Context.Tag("whatsapp-astria-bot/EnabledServices")<
  EnabledServices,
  ReadonlyArray<ServiceName>
>() {
  static readonly config: Config.Config<ReadonlyArray<ServiceName>> = servicesConfig.pipe(Config.map((services) => [...new Set(services)]))
  static readonly fromConfig = Layer.effect(this, Effect.map(this.config, (services) => services))
}
