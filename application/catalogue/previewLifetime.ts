import { Config, Duration } from "effect"
import type { PackRecord } from "../ports/Packs.js"

/** How long WhatsApp keeps uploaded media (reference: Meta's media API, "Uploaded ids live 30 days"). */
export const whatsAppMediaRetention = Duration.days(30)

/**
 * A preview older than this is uploaded again before it is sent: a day short of WhatsApp's
 * retention, as the send itself may wait in the queue and our clock is not Meta's.
 */
export const previewUsableFor = Duration.subtract(whatsAppMediaRetention, Duration.days(1))

/**
 * Previews older than this are uploaded again by the background rebuild (at start and this
 * often), so that a preview is rarely as old as `previewUsableFor` when someone is shown it.
 */
export const previewRefreshInterval = Config.duration("PREVIEW_REFRESH_INTERVAL").pipe(
  Config.withDefault(Duration.days(7)),
  Config.validate({
    message: "PREVIEW_REFRESH_INTERVAL must be under 30 days (WhatsApp keeps uploaded media 30 days)",
    validation: (interval) =>
      Duration.lessThan(interval, whatsAppMediaRetention) && Duration.greaterThan(interval, Duration.zero)
  })
)

/**
 * Whether the preview of this class was uploaded at least `age` before `now`. One uploaded before
 * upload times were kept counts as old: nothing says WhatsApp still has it.
 */
export const previewOlderThan = (pack: PackRecord, className: string, now: number, age: Duration.Duration): boolean => {
  const uploadedAt = pack.previewUploadedAt[className]
  return uploadedAt === undefined || now - uploadedAt.getTime() >= Duration.toMillis(age)
}
