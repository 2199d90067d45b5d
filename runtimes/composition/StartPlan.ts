import type { Redacted} from "effect";
import { Config, ConfigError, Data, Effect, Either, Option, Schema } from "effect"
import { CatalogueSettings } from "../../application/catalogue/CatalogueSettings.js"
import { PricingConfig } from "../../application/settings/ConversationSettingsConfig.js"
import { EnabledServices, type ServiceName } from "../../application/settings/EnabledServices.js"
import { optionalSecret, required, secret, setting } from "../../application/settings/presentSetting.js"
import { AstriaHttpConfig } from "../../adapters/astria/AstriaConfig.js"
import {
  ChatUrlConfig,
  fixedPriceLinksConfig,
  paymentCredentialNames,
  PaymentProviderConfig,
  PaymentWebhookSecretConfig,
  PreviousPaymentWebhookSecretConfig,
  StripeSettingsConfig,
  SumitSettingsConfig,
  sumitPagesConfig,
  type FixedPriceLinks,
  type StripeSettings,
  type SumitSettings
} from "../../adapters/payments/PaymentSettings.js"
import { PaymentLinkTemplateConfig } from "../../adapters/payments/TemplatePaymentProvider.js"
import { WhatsAppCloudConfig, type WhatsAppCloudSettings } from "../../adapters/whatsapp-cloud/WhatsAppCloud.js"
import type { PricingSettings } from "../../domain/pricing/Tier.js"

/**
 * The mode rule, in one place (docs/ARCHITECTURE.md, "Production and development"):
 * - Production (`ENVIRONMENT=production`) needs `DATABASE_URL`, mounts no fake at all, and every
 *   setting a real part needs must be present and non-empty.
 * - Development with no credential at all is the zero-configuration bot: every external part is an
 *   in-process fake (using `WHATSAPP_APP_SECRET` and `WHATSAPP_VERIFY_TOKEN` if they are set).
 * - Development with some credentials: each part without its credentials must be named in `FAKES`.
 * Whatever is wrong is refused at once, every problem named in one message.
 */

export const ExternalPart = Schema.Literal("whatsapp", "astria", "payments")
export type ExternalPart = typeof ExternalPart.Type
export const externalParts: ReadonlyArray<ExternalPart> = ExternalPart.literals

export type Mode = "production" | "development"

/** The start is refused: each missing or invalid setting, by name. */
export class StartRefused extends Data.TaggedError("StartRefused")<{ readonly problems: ReadonlyArray<string> }> {
  override get message(): string {
    return `The bot refuses to start:\n${this.problems.map((problem) => `  - ${problem}`).join("\n")}`
  }
}

export interface RealWhatsApp {
  readonly cloud: WhatsAppCloudSettings
  readonly appSecret: Redacted.Redacted<string>
  /** The app secret before the current one, while a rotation lasts. */
  readonly previousAppSecret: Option.Option<Redacted.Redacted<string>>
  readonly verifyToken: Redacted.Redacted<string>
}

/** The fake Graph API, signing with the app secret and answering the verify token the operator set, if any. */
export interface FakeWhatsApp {
  readonly appSecret: Option.Option<Redacted.Redacted<string>>
  readonly verifyToken: Option.Option<Redacted.Redacted<string>>
}

export type PaymentSetup = Data.TaggedEnum<{
  /** A Checkout Session per order; the success and cancel pages lead to `chatUrl`. */
  Stripe: { readonly stripe: StripeSettings; readonly chatUrl: string }
  /** A SUMIT page per order, its notifications posted to `notificationUrl` and confirmed with SUMIT's API. */
  Sumit: { readonly sumit: SumitSettings; readonly chatUrl: string; readonly notificationUrl: string }
  /**
   * The original bot's fixed SUMIT page per tier (and per returning price, or no discount at all);
   * its trigger confirmed with SUMIT's API and matched to the payer's open order.
   */
  SumitPages: { readonly sumit: SumitSettings; readonly pages: FixedPriceLinks; readonly pricing: PricingSettings }
  FixedPriceLinks: {
    readonly links: FixedPriceLinks
    readonly pricing: PricingSettings
    readonly webhookSecret: Redacted.Redacted<string>
    readonly previousWebhookSecret: Option.Option<Redacted.Redacted<string>>
  }
  LinkTemplate: {
    readonly template: string
    readonly webhookSecret: Redacted.Redacted<string>
    readonly previousWebhookSecret: Option.Option<Redacted.Redacted<string>>
  }
}>
export const PaymentSetup = Data.taggedEnum<PaymentSetup>()

export type Part<Real, Fake> = Data.TaggedEnum<{
  Real: { readonly settings: Real }
  Fake: { readonly settings: Fake; readonly named: boolean }
}>
const Real = <R>(settings: R) => ({ _tag: "Real" as const, settings })
const Fake = <F>(settings: F, named: boolean) => ({ _tag: "Fake" as const, settings, named })

export interface StartPlan {
  readonly mode: Mode
  readonly services: ReadonlyArray<ServiceName>
  /** None: the embedded PGlite (development only). */
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  readonly serviceBus: boolean
  readonly publicBaseUrl: Option.Option<string>
  readonly whatsapp: Part<RealWhatsApp, FakeWhatsApp>
  readonly astria: Part<AstriaHttpConfig, undefined>
  readonly payments: Part<PaymentSetup, undefined>
}

/**
 * The runtime being started. Only the standalone server can run fakes (they post to its own
 * address) or the embedded database; Azure Functions needs Postgres, Service Bus and a public URL.
 */
export interface PlanOptions {
  readonly runtime: "standalone" | "functions"
}

const ModeConfig: Config.Config<Mode> = setting("ENVIRONMENT").pipe(
  Config.map((value) => (Option.getOrElse(value, () => "development").toLowerCase() === "production" ? "production" : "development"))
)

const FakesConfig: Config.Config<ReadonlyArray<string>> = setting("FAKES").pipe(
  Config.map((value) =>
    Option.match(value, {
      onNone: () => [],
      onSome: (list) => list.split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== "")
    })
  )
)

const isSet = (name: string) => setting(name).pipe(Config.map(Option.isSome))
const anySet = (names: ReadonlyArray<string>) => Config.all(names.map(isSet)).pipe(Config.map((values) => values.some(Boolean)))

/** The leaves of a ConfigError, each as "NAME: what is wrong". */
export const describeConfigError = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...describeConfigError(error.left), ...describeConfigError(error.right)]
    case "MissingData":
      return [`${error.path.join(".")}: missing${error.message.includes("empty") ? " (set but empty)" : ""}`]
    case "InvalidData":
    case "SourceUnavailable":
    case "Unsupported":
      return [`${error.path.join(".")}: ${error.message}`]
  }
}

/** Reads a config; its problems become refusal lines instead of an error. */
const attempt = <A>(config: Effect.Effect<A, ConfigError.ConfigError>): Effect.Effect<Either.Either<A, ReadonlyArray<string>>> =>
  Effect.either(config).pipe(Effect.map(Either.mapLeft(describeConfigError)))

const isLoopback = (host: string) =>
  host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || host.startsWith("127.") || host === "0.0.0.0"

const PublicBaseUrlConfig = (required: boolean, mode: Mode): Config.Config<Option.Option<string>> =>
  Config.option(Config.url("PUBLIC_BASE_URL")).pipe(
    Config.mapOrFail((url) => {
      if (Option.isNone(url)) {
        return required
          ? Either.left(ConfigError.MissingData(["PUBLIC_BASE_URL"], "missing"))
          : Either.right(Option.none<string>())
      }
      if (mode === "production" && (url.value.protocol !== "https:" || isLoopback(url.value.hostname))) {
        return Either.left(
          ConfigError.InvalidData(["PUBLIC_BASE_URL"], "Expected the public https address Astria and the payment provider reach, not a loopback one")
        )
      }
      return Either.right(Option.some(url.value.toString().replace(/\/$/, "")))
    })
  )

const RealWhatsAppConfig = (mode: Mode): Config.Config<RealWhatsApp> =>
  Config.all({
    cloud: Config.all([
      WhatsAppCloudConfig,
      secret("WHATSAPP_API_KEY"),
      required("WHATSAPP_NUMBER_ID").pipe(
        Config.mapOrFail((id) =>
          /^\d+$/.test(id)
            ? Either.right(id)
            : Either.left(ConfigError.InvalidData(["WHATSAPP_NUMBER_ID"], "Expected the phone number id Meta shows (digits)"))
        )
      )
    ]).pipe(Config.map(([cloud, apiKey, numberId]) => ({ ...cloud, apiKey, numberId }))),
    appSecret: secret("WHATSAPP_APP_SECRET"),
    previousAppSecret: optionalSecret("WHATSAPP_APP_SECRET_PREVIOUS"),
    verifyToken: secret("WHATSAPP_VERIFY_TOKEN"),
    // Meta's `hello_world` sample is no message for a customer: production names its own template,
    // in English and in Hebrew, the two languages the bot speaks.
    template: mode === "production"
      ? Config.all([
          secret("WHATSAPP_REENGAGEMENT_TEMPLATE"),
          secret("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE"),
          secret("WHATSAPP_REENGAGEMENT_TEMPLATE_LANGUAGE_HE")
        ])
      : Config.succeed(undefined)
  }).pipe(
    Config.map(({ cloud, appSecret, previousAppSecret, verifyToken }) => ({ cloud, appSecret, previousAppSecret, verifyToken }))
  )

const RealAstriaConfig = (mode: Mode): Config.Config<AstriaHttpConfig> =>
  Config.all({
    astria: Config.all([AstriaHttpConfig, secret("ASTRIA_API_KEY")]).pipe(Config.map(([astria, apiKey]) => ({ ...astria, apiKey }))),
    // By default only Lite sells a pack: production names what every tier sells.
    packs:
      mode === "production"
        ? Config.all([secret("TIER_LITE_PACKS"), secret("TIER_STANDARD_PACKS"), secret("TIER_PREMIUM_PACKS"), CatalogueSettings.config])
        : Config.succeed(undefined)
  }).pipe(
    Config.mapOrFail(({ astria }) =>
      mode === "production" && astria.testMode
        ? Either.left(ConfigError.InvalidData(["ASTRIA_TEST_MODE"], "Astria's test branch gives paying customers mock images; not in production"))
        : Either.right(astria)
    )
  )

const RealPaymentsConfig = (mode: Mode, publicBaseUrl: Option.Option<string>): Effect.Effect<PaymentSetup, ConfigError.ConfigError> =>
  Effect.gen(function* () {
    const { provider, pricing } = yield* Config.all({ provider: PaymentProviderConfig, pricing: PricingConfig })
    if (provider === "stripe") {
      const { stripe, chatUrl } = yield* Config.all({ stripe: StripeSettingsConfig, chatUrl: ChatUrlConfig })
      // A test key's sessions take no money, and production ignores test-mode events: nothing would ever train.
      if (mode === "production" && !stripe.liveMode) {
        return yield* Effect.fail(ConfigError.InvalidData(["STRIPE_SECRET_KEY"], "Expected a live key (sk_live_... or rk_live_...) in production"))
      }
      return PaymentSetup.Stripe({ stripe, chatUrl })
    }
    if (provider === "sumit") {
      const { sumit, chatUrl } = yield* Config.all({ sumit: SumitSettingsConfig, chatUrl: ChatUrlConfig })
      if (Option.isNone(publicBaseUrl)) {
        return yield* Effect.fail(ConfigError.MissingData(["PUBLIC_BASE_URL"], "SUMIT posts its payment notifications to the bot's public address"))
      }
      return PaymentSetup.Sumit({ sumit, chatUrl, notificationUrl: `${publicBaseUrl.value}/payment-received/sumit` })
    }
    if (provider === "sumit-pages") {
      const { pages, sumit } = yield* Config.all({ sumit: SumitSettingsConfig, pages: sumitPagesConfig })
      // Without pages for the returning prices the conversation offers no discount (ConversationSettingsLive.ts).
      return PaymentSetup.SumitPages({ sumit, pages, pricing: pages.returning === undefined ? { ...pricing, returningDiscountPercent: 0 } : pricing })
    }
    const withReturning = pricing.returningDiscountPercent > 0
    const fixedLinks = yield* isSet("PAYMENT_LINK_LITE")
    if (mode === "production" || fixedLinks) {
      const { links, previousWebhookSecret, webhookSecret } = yield* Config.all({
        links: fixedPriceLinksConfig(withReturning),
        webhookSecret: PaymentWebhookSecretConfig,
        previousWebhookSecret: PreviousPaymentWebhookSecretConfig
      })
      return PaymentSetup.FixedPriceLinks({ links, pricing, webhookSecret, previousWebhookSecret })
    }
    return PaymentSetup.LinkTemplate(
      yield* Config.all({
        template: PaymentLinkTemplateConfig,
        webhookSecret: PaymentWebhookSecretConfig,
        previousWebhookSecret: PreviousPaymentWebhookSecretConfig
      })
    )
  })

/** The settings of another provider, checked so that a typo in them is named even when unused. */
const StripeOrSumitChecked: Effect.Effect<void, ConfigError.ConfigError> = Effect.gen(function* () {
  if (yield* isSet("STRIPE_SECRET_KEY")) yield* StripeSettingsConfig
  if (yield* isSet("SUMIT_API_KEY")) yield* SumitSettingsConfig
})

const FakeWhatsAppConfig: Config.Config<FakeWhatsApp> = Config.all({
  appSecret: optionalSecret("WHATSAPP_APP_SECRET"),
  verifyToken: optionalSecret("WHATSAPP_VERIFY_TOKEN")
})

const credentialOf: Record<ExternalPart, Config.Config<boolean>> = {
  whatsapp: isSet("WHATSAPP_API_KEY"),
  astria: isSet("ASTRIA_API_KEY"),
  payments: anySet(paymentCredentialNames)
}

const credentialNames: Record<ExternalPart, string> = {
  whatsapp: "WHATSAPP_API_KEY",
  astria: "ASTRIA_API_KEY",
  payments: "PAYMENT_PROVIDER and its keys"
}

/**
 * Decides every part from the settings, or refuses with every problem at once. Pure over the
 * ConfigProvider, so the refusal matrix is tested without starting anything.
 */
export const planStart = (options: PlanOptions): Effect.Effect<StartPlan, StartRefused> =>
  Effect.gen(function* () {
    const problems: Array<string> = []
    const take = <A>(result: Either.Either<A, ReadonlyArray<string>>): Option.Option<A> =>
      Either.match(result, {
        onLeft: (lines) => {
          problems.push(...lines)
          return Option.none()
        },
        onRight: Option.some
      })
    const mode = yield* Effect.orElseSucceed(ModeConfig, (): Mode => "development")
    const production = mode === "production"
    const functions = options.runtime === "functions"
    const services = take(yield* attempt(EnabledServices.config))
    const fakes = yield* Effect.orElseSucceed(FakesConfig, (): ReadonlyArray<string> => [])
    const credentials: Record<ExternalPart, boolean> = yield* Effect.all({
      whatsapp: Effect.orElseSucceed(credentialOf.whatsapp, () => false),
      astria: Effect.orElseSucceed(credentialOf.astria, () => false),
      payments: Effect.orElseSucceed(credentialOf.payments, () => false)
    })
    const databaseUrl = take(yield* attempt(optionalSecret("DATABASE_URL")))
    const serviceBus = yield* Effect.orElseSucceed(isSet("SERVICEBUS_CONNECTION_STRING"), () => false)
    const publicBaseUrl = take(yield* attempt(PublicBaseUrlConfig(production || functions, mode)))

    if (production && Option.isSome(databaseUrl) && Option.isNone(databaseUrl.value)) {
      problems.push("DATABASE_URL: missing (production keeps its data in Postgres, not the embedded database)")
    }
    if (functions && !production && Option.isSome(databaseUrl) && Option.isNone(databaseUrl.value)) {
      problems.push("DATABASE_URL: missing (Azure Functions has no embedded database)")
    }
    if (functions && !serviceBus) problems.push("SERVICEBUS_CONNECTION_STRING: missing (Azure Functions consumes events from Service Bus topic triggers)")
    for (const name of fakes) {
      if (!Schema.is(ExternalPart)(name)) problems.push(`FAKES: unknown part "${name}" (known: ${externalParts.join(", ")})`)
    }
    const noCredentials = externalParts.every((part) => !credentials[part])
    const decide = (part: ExternalPart): "real" | "fake-named" | "fake-implied" | "refused" => {
      const named = fakes.includes(part)
      if (credentials[part]) {
        if (named) problems.push(`FAKES: names ${part}, whose credentials (${credentialNames[part]}) are set; remove one of them`)
        return "real"
      }
      if (production || functions) {
        const who = production ? "production" : "Azure Functions"
        if (named) problems.push(`FAKES: ${who} mounts no fake (${part})`)
        problems.push(`${credentialNames[part]}: missing (${part} has no credentials, and ${who} runs no fake)`)
        return "refused"
      }
      if (named) return "fake-named"
      if (noCredentials) return "fake-implied"
      problems.push(`${credentialNames[part]}: missing; set it, or name ${part} in FAKES to run its in-process fake beside the real parts`)
      return "refused"
    }
    const choice = { whatsapp: decide("whatsapp"), astria: decide("astria"), payments: decide("payments") }

    const whatsapp: Option.Option<Part<RealWhatsApp, FakeWhatsApp>> =
      choice.whatsapp === "real"
        ? Option.map(take(yield* attempt(RealWhatsAppConfig(mode))), Real)
        : Option.map(take(yield* attempt(FakeWhatsAppConfig)), (settings) => Fake(settings, choice.whatsapp === "fake-named"))
    const astria: Option.Option<Part<AstriaHttpConfig, undefined>> =
      choice.astria === "real"
        ? Option.map(take(yield* attempt(RealAstriaConfig(mode))), Real)
        : Option.some(Fake(undefined, choice.astria === "fake-named"))
    const payments: Option.Option<Part<PaymentSetup, undefined>> =
      choice.payments === "real"
        ? Option.map(take(yield* attempt(RealPaymentsConfig(mode, Option.flatten(publicBaseUrl)))), Real)
        : Option.some(Fake(undefined, choice.payments === "fake-named"))
    take(yield* attempt(StripeOrSumitChecked))

    if (problems.length > 0 || Option.isNone(services) || Option.isNone(databaseUrl) || Option.isNone(publicBaseUrl)) {
      return yield* new StartRefused({ problems })
    }
    if (Option.isNone(whatsapp) || Option.isNone(astria) || Option.isNone(payments)) return yield* new StartRefused({ problems })
    return {
      mode,
      services: services.value,
      databaseUrl: databaseUrl.value,
      serviceBus,
      publicBaseUrl: publicBaseUrl.value,
      whatsapp: whatsapp.value,
      astria: astria.value,
      payments: payments.value
    }
  })
