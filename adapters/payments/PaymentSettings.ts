import { Config, ConfigError, Either, Option, Redacted, Schema } from "effect"
import type { TierName } from "../../domain/pricing/Tier.js"
import { optionalSecret, required, secret, setting } from "../../application/settings/presentSetting.js"

/**
 * Every payment setting of every provider, named once: the start's refusals, `doctor` and the
 * providers read them from here.
 * - `stripe`: a Checkout Session per order through Stripe's API (`STRIPE_SECRET_KEY`), its webhooks
 *   signed with `STRIPE_WEBHOOK_SECRET`.
 * - `sumit`: a SUMIT payment page per order through its API (`SUMIT_COMPANY_ID`, `SUMIT_API_KEY`).
 * - `sumit-pages`: the original bot's fixed SUMIT page per tier, under its settings' names
 *   (`LITE_TIER_PAYMENT_LINK`, ...), optionally one per returning price
 *   (`LITE_TIER_RETURNING_PAYMENT_LINK`, ...); its trigger is confirmed with the same credentials.
 * - `links`: fixed-price links, one per tier and one per returning price (`PAYMENT_LINK_<TIER>`,
 *   `PAYMENT_LINK_<TIER>_RETURNING`), as the original bot had, with webhooks signed with
 *   `PAYMENT_WEBHOOK_SECRET` (our scheme or Stripe's). Outside production a URL template that
 *   carries the amount (`PAYMENT_LINK_TEMPLATE`) may stand in for the links.
 */
export const PaymentProviderName = Schema.Literal("stripe", "sumit", "sumit-pages", "links")
export type PaymentProviderName = typeof PaymentProviderName.Type

/** The settings that say a real payment provider is meant (the credentials of the mode rule). */
export const paymentCredentialNames = [
  "PAYMENT_PROVIDER",
  "PAYMENT_WEBHOOK_SECRET",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "SUMIT_API_KEY"
] as const

export const PaymentProviderConfig: Config.Config<PaymentProviderName> = Config.literal(...PaymentProviderName.literals)(
  "PAYMENT_PROVIDER"
)

const linkName = (tier: TierName, returning: boolean) => `PAYMENT_LINK_${tier.toUpperCase()}${returning ? "_RETURNING" : ""}`

const httpsUrl = (name: string) =>
  Config.url(name).pipe(
    Config.validate({ message: "Expected an https URL", validation: (url) => url.protocol === "https:" }),
    Config.map((url) => url.toString())
  )

/** A fixed-price link for each tier, and for each returning price when there is a discount. */
export interface FixedPriceLinks {
  readonly full: Readonly<Record<TierName, string>>
  readonly returning: Readonly<Record<TierName, string>> | undefined
}

export const fixedPriceLinksConfig = (withReturningPrices: boolean): Config.Config<FixedPriceLinks> =>
  Config.all({
    full: Config.all({ Lite: httpsUrl(linkName("Lite", false)), Standard: httpsUrl(linkName("Standard", false)), Premium: httpsUrl(linkName("Premium", false)) }),
    returning: withReturningPrices
      ? Config.all({ Lite: httpsUrl(linkName("Lite", true)), Standard: httpsUrl(linkName("Standard", true)), Premium: httpsUrl(linkName("Premium", true)) })
      : Config.succeed(undefined)
  })

const tierNamesInOrder = ["Lite", "Standard", "Premium"] as const

/** The original bot's names: `LITE_TIER_PAYMENT_LINK`; ours for a returning price: `LITE_TIER_RETURNING_PAYMENT_LINK`. */
export const sumitPageName = (tier: TierName, returning: boolean) => `${tier.toUpperCase()}_TIER_${returning ? "RETURNING_" : ""}PAYMENT_LINK`

/**
 * `sumit-pages`: a page per tier, required; pages for the returning prices all or none. A fixed page
 * charges its own price, so without them the returning discount is not offered at all
 * (`fixedPagesOfferNoDiscount`), rather than quoted and then charged in full.
 */
export const sumitPagesConfig: Config.Config<FixedPriceLinks> = Config.all({
  full: Config.all({ Lite: httpsUrl(sumitPageName("Lite", false)), Standard: httpsUrl(sumitPageName("Standard", false)), Premium: httpsUrl(sumitPageName("Premium", false)) }),
  returning: Config.all({
    Lite: Config.option(httpsUrl(sumitPageName("Lite", true))),
    Standard: Config.option(httpsUrl(sumitPageName("Standard", true))),
    Premium: Config.option(httpsUrl(sumitPageName("Premium", true)))
  }).pipe(
    Config.mapOrFail((pages) => {
      const all = Option.all(pages)
      if (Option.isSome(all)) return Either.right<FixedPriceLinks["returning"]>(all.value)
      const missing = tierNamesInOrder.filter((tier) => Option.isNone(pages[tier]))
      return missing.length === tierNamesInOrder.length
        ? Either.right(undefined)
        : Either.left(
            ConfigError.MissingData(
              missing.map((tier) => sumitPageName(tier, true)),
              "A page for every returning price, or for none (then no returning discount is offered)"
            )
          )
    })
  )
})

/**
 * True when the payment pages are the original bot's fixed SUMIT pages without pages for the
 * returning prices: the conversation then quotes every tier at its full price. One returning page
 * stands for all three, since the start refuses some without the others.
 */
export const fixedPagesOfferNoDiscount: Config.Config<boolean> = Config.all({
  provider: setting("PAYMENT_PROVIDER"),
  returningPage: setting(sumitPageName("Lite", true))
}).pipe(Config.map(({ provider, returningPage }) => Option.contains(provider, "sumit-pages") && Option.isNone(returningPage)))

export interface StripeSettings {
  readonly secretKey: Redacted.Redacted<string>
  readonly webhookSecret: Redacted.Redacted<string>
  /** While the signing secret is rolled (`STRIPE_WEBHOOK_SECRET_PREVIOUS`), the one before it, taken too until removed. */
  readonly previousWebhookSecret: Option.Option<Redacted.Redacted<string>>
  /** From the key's prefix: `sk_live_`/`rk_live_` take real money. */
  readonly liveMode: boolean
}

const isSigningSecret = (key: Redacted.Redacted<string>) => Redacted.value(key).startsWith("whsec_")

export const StripeSettingsConfig: Config.Config<StripeSettings> = Config.all({
  secretKey: secret("STRIPE_SECRET_KEY").pipe(
    Config.validate({
      message: "Expected a Stripe secret or restricted key (sk_live_..., sk_test_..., rk_live_..., rk_test_...)",
      validation: (key) => /^(sk|rk)_(live|test)_/.test(Redacted.value(key))
    })
  ),
  webhookSecret: secret("STRIPE_WEBHOOK_SECRET").pipe(
    Config.validate({ message: "Expected a webhook signing secret (whsec_...)", validation: isSigningSecret })
  ),
  previousWebhookSecret: optionalSecret("STRIPE_WEBHOOK_SECRET_PREVIOUS").pipe(
    Config.validate({ message: "Expected a webhook signing secret (whsec_...)", validation: (key) => Option.isNone(key) || isSigningSecret(key.value) })
  )
}).pipe(Config.map((settings) => ({ ...settings, liveMode: /^(sk|rk)_live_/.test(Redacted.value(settings.secretKey)) })))

export interface SumitSettings {
  readonly companyId: number
  readonly apiKey: Redacted.Redacted<string>
}

export const SumitSettingsConfig: Config.Config<SumitSettings> = Config.all({
  companyId: Config.integer("SUMIT_COMPANY_ID").pipe(
    Config.validate({ message: "Expected SUMIT's numeric company id", validation: (id) => id > 0 })
  ),
  apiKey: secret("SUMIT_API_KEY")
})

/** The secret that signs `links` payment webhooks. */
export const PaymentWebhookSecretConfig = secret("PAYMENT_WEBHOOK_SECRET")

/** While that secret is rotated, the one before it (`PAYMENT_WEBHOOK_SECRET_PREVIOUS`), taken too until removed. */
export const PreviousPaymentWebhookSecretConfig = optionalSecret("PAYMENT_WEBHOOK_SECRET_PREVIOUS")

/**
 * The chat a checkout's success and cancel pages lead back to: `https://wa.me/<number>`, from the
 * number people write to (Meta's `display_phone_number`, digits with the country code).
 */
export const ChatUrlConfig: Config.Config<string> = required("WHATSAPP_DISPLAY_NUMBER").pipe(
  Config.map((number) => number.replace(/[\s+()-]/g, "")),
  Config.validate({ message: "Expected the WhatsApp number people write to, digits with the country code (15550783881)", validation: (number) => /^\d{8,15}$/.test(number) }),
  Config.map((number) => `https://wa.me/${number}`)
)
