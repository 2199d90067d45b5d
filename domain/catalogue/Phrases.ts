import type { AskableClass } from "../conversation/ReplyAction.js"
import type { PhotoRejectionReason } from "../photos/PhotoRejection.js"
import type { TierName } from "../pricing/Tier.js"

/** A row of a list: its title (<= 24) and an optional description (<= 72). */
export interface RowText {
  readonly title: string
  readonly description?: string
}

/**
 * Everything the bot says, in one language. Prices arrive already formatted; dynamic text from
 * outside (pack and model titles) is shortened by the message builders, not here.
 */
export interface Phrases {
  readonly welcome: {
    readonly body: string
    readonly button: string
    readonly begin: RowText
    readonly howItWorks: RowText
    readonly changeLanguage: RowText
    readonly support: RowText
    readonly deleteData: RowText
  }
  readonly howItWorks: (threshold: number) => string
  readonly letsBegin: string
  readonly guidelines: (threshold: number) => string
  readonly imReady: string
  readonly showExamples: string
  readonly sendPhotosNow: (threshold: number) => string
  /**
   * Asked before the first photo is kept: what is done with the photos, and the button to agree.
   * `notKept` comes first when the question answers a photo sent before agreeing.
   */
  readonly photoConsent: { readonly body: string; readonly agree: string; readonly notKept: string }
  readonly goodExample: string
  readonly badExample: string
  readonly chooseLanguage: string
  readonly languageChanged: string
  readonly supportOnItsWay: string
  readonly confirmDelete: string
  readonly yesDelete: string
  readonly cancel: string
  readonly dataDeleted: string
  readonly nothingDeleted: string
  readonly unsupported: string
  /** Said once to a person writing faster than the bot may answer them; their texts wait unanswered. */
  readonly slowDown: string
  readonly staleReply: string
  readonly rejection: (reason: PhotoRejectionReason) => string
  readonly photoProgress: (count: number, threshold: number) => string
  readonly enoughPhotos: string
  /** Past the cap of photos checked per collection: said once, the rest are not checked. */
  readonly photoLimitReached: string
  readonly picturesMenu: {
    readonly body: (count: number) => string
    readonly button: string
    readonly addMore: RowText
    readonly done: RowText
    readonly reset: RowText
    readonly support: RowText
  }
  readonly sendMorePhotos: string
  readonly photosReset: string
  readonly photosInUse: string
  readonly askClass: { readonly body: string; readonly button: string }
  readonly className: (personClass: AskableClass) => string
  readonly classSaved: string
  readonly tierName: (tier: TierName) => string
  readonly tiers: {
    readonly body: (discountPercent: number) => string
    readonly button: string
    /** Row description: image count and price (and the list price when discounted). */
    readonly row: (imageCount: number, price: string, listPrice: string | undefined) => string
  }
  readonly noPacks: string
  readonly packs: {
    readonly body: (tierName: string) => string
    readonly button: string
    readonly caption: (title: string, imageCount: number, price: string) => string
    readonly row: (imageCount: number, price: string) => string
  }
  readonly terms: { readonly body: string; readonly agree: string; readonly back: string }
  readonly paymentLink: { readonly body: (packTitle: string, price: string) => string; readonly button: string }
  readonly paymentReceived: string
  readonly paymentRefused: string
  readonly paymentMismatch: string
  /** The payment page could not be made: support was told and will answer. */
  readonly checkoutFailed: string
  readonly cancelledOrderPaid: string
  readonly trainingEta: (minutes: number) => string
  readonly trainingFailed: string
  readonly imagesReady: string
  /** The first images of an order whose other prompts are still rendering. */
  readonly imagesArriving: string
  /** A paid order that cannot go on by itself: what happens next, by cause. */
  readonly orderOnHold: {
    /** Astria is out of credits: every order waits until the account is topped up. */
    readonly servicePaused: string
    /** Astria refused this order's request. */
    readonly refused: string
    /** The saved model is gone and no photos are left to train a new one. */
    readonly savedModelGone: string
  }
  /** One generated image or video could not be sent; support was told. */
  readonly mediaUndeliverable: (kind: "Image" | "Video") => string
  readonly rating: {
    readonly body: string
    readonly button: string
    readonly stars: (stars: number) => RowText
  }
  readonly ratingThanks: string
  readonly alreadyRated: string
  readonly anotherPack: (discountPercent: number) => string
  readonly askFeedback: { readonly body: string; readonly skip: string }
  readonly feedbackReminder: string
  readonly feedbackThanks: string
  readonly welcomeBack: {
    readonly body: string
    readonly button: string
    readonly modelRow: (expiresOn: string) => string
    readonly newModel: RowText
    readonly menu: RowText
  }
  readonly modelUnavailable: string
  readonly chooseModelFirst: string
}
