import { Effect, Layer } from "effect"
import { ConversationSettingsTag } from "../../application/settings/ConversationSettingsConfig.js"
import { uploadExamplePhotos } from "./ExamplePhotos.js"

/** The decider's settings from configuration, with the examples uploaded through the configured messenger. */
export const ConversationSettingsLive = Layer.unwrapEffect(
  Effect.map(uploadExamplePhotos, (examples) => ConversationSettingsTag.fromConfig(examples))
)
