import { Effect } from "effect"
import { json, noSuchObject } from "./errors.js"
import type { GraphSettings } from "./settings.js"

/** Where Meta's review left a message template. */
export type TemplateStatus = "APPROVED" | "PENDING" | "REJECTED" | "PAUSED" | "DISABLED"

export interface FakeTemplate {
  readonly name: string
  readonly language: string
  readonly status: TemplateStatus
  readonly category?: "MARKETING" | "UTILITY" | "AUTHENTICATION"
}

/**
 * The business account as the Graph API shows it: the phone number node
 * (`GET /{phone-number-id}`) and the account's templates (`GET /{waba-id}/message_templates`,
 * filtered by `name`). Templates exist only once a test registers them, with the status Meta's
 * review would have given them.
 */
export const makeAccount = (settings: GraphSettings) => {
  const templates: Array<FakeTemplate & { readonly id: string }> = []

  const registerTemplate = (template: FakeTemplate) =>
    Effect.sync(() => {
      const id = String(920070352646140 + templates.length)
      templates.push({ ...template, id })
      return id
    })

  const handlePhoneNumber = () =>
    json({
      verified_name: "Headshot Studio",
      display_phone_number: settings.displayPhoneNumber,
      id: settings.phoneNumberId,
      quality_rating: "GREEN"
    })

  const handleTemplates = (wabaId: string, url: URL) => {
    if (wabaId !== settings.wabaId) return noSuchObject("get", wabaId)
    const name = url.searchParams.get("name")
    const data = templates
      .filter((template) => name === null || template.name === name)
      .map((template) => ({
        name: template.name,
        language: template.language,
        status: template.status,
        category: template.category ?? "MARKETING",
        components: [{ type: "BODY", text: `Hi {{1}}, your headshots are waiting.` }],
        id: template.id
      }))
    return json({ data, paging: { cursors: { before: "MAZDZD", after: "MjQZD" } } })
  }

  return { registerTemplate, handlePhoneNumber, handleTemplates }
}

export type Account = ReturnType<typeof makeAccount>
