import type { HttpClient } from "@effect/platform"
import { HttpClientRequest } from "@effect/platform"
import { Config, Effect, Either, Option, Redacted, Schema } from "effect"
import { GraphErrorBody } from "../../../contracts/whatsapp/GraphError.js"
import { setting } from "../../../application/settings/presentSetting.js"
import type { RealWhatsApp } from "../../composition/StartPlan.js"
import { getJson, type JsonAnswer } from "./httpJson.js"
import type { LiveCheck } from "./runCheck.js"
import { CheckFailed, skipped, type CheckLine } from "./Verdict.js"

const part = "WhatsApp"

/** What `GET /{phone-number-id}` answers (the fields the report shows). */
const PhoneNumber = Schema.Struct({
  id: Schema.String,
  display_phone_number: Schema.String,
  verified_name: Schema.optional(Schema.String),
  quality_rating: Schema.optional(Schema.String)
})

/** What `GET /{waba-id}/message_templates?name=` answers. */
const Templates = Schema.Struct({
  data: Schema.Array(Schema.Struct({ name: Schema.String, language: Schema.String, status: Schema.String }))
})

/** Meta's refusal in its words, with the setting it most likely points at. */
const graphRefusal = (answer: JsonAnswer, subject: string): CheckFailed => {
  const error = Either.getRight(answer.body).pipe(Option.flatMap((body) => Option.getRight(Schema.decodeUnknownEither(GraphErrorBody)(body))))
  return Option.match(error, {
    onNone: () => new CheckFailed({ reason: `${subject}: the Graph API answered ${answer.status}` }),
    onSome: ({ error }) => {
      const hint =
        error.code === 190 || error.code === 104
          ? " (WHATSAPP_API_KEY: the token is invalid or expired)"
          : error.code === 100 && error.error_subcode === 33
            ? " (check the id, and that this token's app was given access to it)"
            : ""
      return new CheckFailed({ reason: `${subject}: Graph error ${error.code}: ${error.message}${hint}` })
    }
  })
}

const graphGet = (settings: RealWhatsApp, path: string) =>
  HttpClientRequest.get(`${settings.cloud.apiUrl}${path}`).pipe(HttpClientRequest.bearerToken(Redacted.value(settings.cloud.apiKey)))

const decodeOr = <A, I>(schema: Schema.Schema<A, I>, answer: JsonAnswer, subject: string) =>
  Either.flatMap(answer.body, (body) => Either.mapLeft(Schema.decodeUnknownEither(schema)(body), () => "an unexpected shape")).pipe(
    Either.mapLeft((problem) => new CheckFailed({ reason: `${subject}: the Graph API answered ${problem}` }))
  )

/** The token and the number id: Meta shows the number to this token. */
const numberCheck = (settings: RealWhatsApp): LiveCheck<HttpClient.HttpClient> => ({
  part,
  check: "token and number id",
  run: Effect.gen(function* () {
    const subject = `WHATSAPP_NUMBER_ID ${settings.cloud.numberId}`
    const answer = yield* getJson(graphGet(settings, `/${encodeURIComponent(settings.cloud.numberId)}`), "the Graph API")
    if (answer.status !== 200) return yield* graphRefusal(answer, subject)
    const number = yield* decodeOr(PhoneNumber, answer, subject)
    const name = number.verified_name === undefined ? "" : ` (${number.verified_name})`
    const quality = number.quality_rating === undefined ? "" : `, quality ${number.quality_rating}`
    return `number ${number.display_phone_number}${name}${quality}`
  })
})

const TemplateSettings = Config.all({
  account: setting("WHATSAPP_BUSINESS_ACCOUNT_ID"),
  name: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE").pipe(Config.withDefault("hello_world")),
  language: Config.string("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE").pipe(Config.withDefault("en_US")),
  hebrew: setting("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE")
})

/** The re-engagement template exists in its language and Meta approved it. */
const templateCheck = (
  settings: RealWhatsApp,
  account: string,
  name: string,
  language: string,
  translation: { readonly check: string; readonly setting: string } = { check: "re-engagement template", setting: "WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE" }
): LiveCheck<HttpClient.HttpClient> => ({
  part,
  check: translation.check,
  run: Effect.gen(function* () {
    const subject = `WHATSAPP_REENGAGEMENT_TEMPLATE ${name} (${language})`
    const request = graphGet(settings, `/${encodeURIComponent(account)}/message_templates`).pipe(HttpClientRequest.setUrlParam("name", name))
    const answer = yield* getJson(request, "the Graph API")
    if (answer.status !== 200) return yield* graphRefusal(answer, `WHATSAPP_BUSINESS_ACCOUNT_ID ${account}`)
    const templates = yield* decodeOr(Templates, answer, subject)
    const found = templates.data.find((template) => template.name === name && template.language === language)
    if (found === undefined) {
      const languages = templates.data.filter((template) => template.name === name).map((template) => template.language)
      const others = languages.length === 0 ? "" : ` (it exists in ${languages.join(", ")}; ${translation.setting})`
      return yield* new CheckFailed({ reason: `${subject}: no such template in the business account${others}` })
    }
    if (found.status !== "APPROVED") return yield* new CheckFailed({ reason: `${subject}: ${found.status}, not APPROVED: Meta refuses to send it` })
    return `${name} (${language}) APPROVED`
  })
})

/** The WhatsApp lines: the number always; the template when the business account id says where to look. */
export const whatsappChecks = (settings: RealWhatsApp) =>
  Effect.map(
    Effect.orElseSucceed(TemplateSettings, () => undefined),
    (template): ReadonlyArray<LiveCheck<HttpClient.HttpClient> | CheckLine> => {
      const number = numberCheck(settings)
      if (template === undefined) return [number, skipped(part, "re-engagement template", "its settings could not be read")]
      return Option.match(template.account, {
        onNone: () => [number, skipped(part, "re-engagement template", "set WHATSAPP_BUSINESS_ACCOUNT_ID to check")],
        onSome: (account) => [
          number,
          templateCheck(settings, account, template.name, template.language),
          Option.match(template.hebrew, {
            onNone: () =>
              skipped(part, "re-engagement template (Hebrew)", "set WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE: Hebrew speakers get the English one"),
            onSome: (hebrew) =>
              templateCheck(settings, account, template.name, hebrew, {
                check: "re-engagement template (Hebrew)",
                setting: "WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE"
              })
          })
        ]
      })
    }
  )
