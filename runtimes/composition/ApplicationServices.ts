import { Layer } from "effect"
import { AlertSettings } from "../../application/alerts/AlertSettings.js"
import { FloodSettings } from "../../application/conversation/floodGuard.js"
import { ReadReceipts } from "../../application/conversation/ReadReceipts.js"
import { OutboundWakeup, OutboxWakeup } from "../../application/events/Wakeup.js"
import { Ids } from "../../application/ports/Ids.js"
import { MessagingSettings } from "../../application/settings/MessagingSettings.js"
import { PhotoInspectionSettings } from "../../application/settings/PhotoInspectionSettings.js"
import { SupportSettings } from "../../application/settings/SupportSettings.js"
import { ConversationSettingsLive } from "./ConversationSettingsLive.js"
import { ExamplePhotosUploaded } from "./ExamplePhotos.js"

/** What every runtime gives the use cases besides the adapters: ids, wake-ups, read receipts on their way, and settings. */
export const ApplicationServicesLive = Layer.mergeAll(
  Ids.random,
  OutboxWakeup.layer,
  OutboundWakeup.layer,
  ReadReceipts.layer,
  MessagingSettings.fromConfig,
  FloodSettings.fromConfig,
  SupportSettings.fromConfig,
  AlertSettings.fromConfig,
  PhotoInspectionSettings.fromConfig,
  ConversationSettingsLive,
  ExamplePhotosUploaded
)
