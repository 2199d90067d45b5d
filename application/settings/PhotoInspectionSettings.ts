import { Config, Context, Effect, Layer } from "effect"

/** Whether accepted photos are also inspected by Astria (who is in it, sunglasses, hats...). */
export class PhotoInspectionSettings extends Context.Tag("whatsapp-astria-bot/PhotoInspectionSettings")<
  PhotoInspectionSettings,
  { readonly enabled: boolean }
>() {
  static readonly fromConfig = Layer.effect(
    this,
    Effect.map(Config.boolean("ASTRIA_INSPECT_PHOTOS").pipe(Config.withDefault(true)), (enabled) => ({ enabled }))
  )
}
