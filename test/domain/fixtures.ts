import { DateTime } from "effect"
import {
  CurrencyCode,
  Input,
  MediaRef,
  MinorUnits,
  OrderId,
  PackId,
  PhotoInspection,
  PhotoVerdict,
  ReplyAction,
  TuneId,
  WhatsAppMessageId,
  decide,
  newConversation
} from "../../domain/index.js"
import type {
  Command,
  Conversation,
  DecisionContext,
  PackOffer,
  PricingSettings,
  SavedModel
} from "../../domain/index.js"

export const now = DateTime.unsafeMake("2026-11-25T12:00:00Z")

export const pricing: PricingSettings = {
  currency: CurrencyCode.make("USD"),
  tiers: {
    Lite: { imageCount: 12, price: MinorUnits.make(1990) },
    Standard: { imageCount: 24, price: MinorUnits.make(2990) },
    Premium: { imageCount: 40, price: MinorUnits.make(4990) }
  },
  returningDiscountPercent: 20
}

export const packs: ReadonlyArray<PackOffer> = [
  { id: PackId.make(101), tier: "Lite", title: "Corporate headshots", imageCount: 12, coverUrl: "https://cdn/101.jpg" },
  { id: PackId.make(102), tier: "Lite", title: "Casual outdoors", imageCount: 12 },
  {
    id: PackId.make(201),
    tier: "Standard",
    title: "Studio",
    imageCount: 24,
    coverUrl: "https://cdn/201.jpg",
    previews: { woman: "media-201-woman" }
  },
  { id: PackId.make(301), tier: "Premium", title: "Magazine cover", imageCount: 40 }
]

export const savedModel: SavedModel = {
  tuneId: TuneId.make(9001),
  label: "Corporate headshots",
  personClass: "woman",
  expiresAt: DateTime.unsafeMake("2026-12-20T00:00:00Z")
}

export const expiredModel: SavedModel = {
  tuneId: TuneId.make(9002),
  label: "Old model",
  personClass: "man",
  expiresAt: DateTime.unsafeMake("2026-11-01T00:00:00Z")
}

export const threshold = 4

export const contextWith = (overrides: {
  readonly savedModels?: ReadonlyArray<SavedModel>
  readonly newOrderId?: string
  readonly packs?: ReadonlyArray<PackOffer>
} = {}): DecisionContext => ({
  settings: {
    photoThreshold: threshold,
    pricing,
    examplePhotos: [
      { media: MediaRef.Link({ url: "https://cdn/good.jpg" }), good: true },
      { media: MediaRef.Link({ url: "https://cdn/bad.jpg" }), good: false }
    ]
  },
  snapshot: {
    now,
    packs: overrides.packs ?? packs,
    savedModels: overrides.savedModels ?? [],
    newOrderId: OrderId.make(overrides.newOrderId ?? "order-1")
  }
})

export const context = contextWith()

export const messageId = (n: number | string = 1) => WhatsAppMessageId.make(`wamid.${n}`)

export const inspection = (className: string, characteristics: Record<string, string> = {}) =>
  new PhotoInspection({
    className,
    characteristics,
    funnyFace: false,
    sunglasses: false,
    hat: false,
    blurry: false,
    multiplePeople: false,
    lowResolution: false
  })

export const text = (body: string, n: number | string = 1) => Input.TextReceived({ messageId: messageId(n), text: body })
export const button = (id: string, n: number | string = 1) => Input.ButtonReply({ messageId: messageId(n), id })
export const listRow = (id: string, n: number | string = 1) => Input.ListReply({ messageId: messageId(n), id })
export const accepted = (n: number | string = 1, className?: string) =>
  Input.PhotoChecked({
    messageId: messageId(n),
    verdict: PhotoVerdict.Accepted(className === undefined ? {} : { inspection: inspection(className) })
  })

/** Runs inputs one after another, as the application does for one person. */
export const run = (
  inputs: ReadonlyArray<Input>,
  start: Conversation = newConversation(),
  ctx: DecisionContext = context
): { readonly conversation: Conversation; readonly commands: ReadonlyArray<Command> } =>
  inputs.reduce<{ conversation: Conversation; commands: ReadonlyArray<Command> }>(
    (state, input) => {
      const next = decide(ctx, state.conversation, input)
      return { conversation: next.conversation, commands: [...state.commands, ...next.commands] }
    },
    { conversation: start, commands: [] }
  )

/** The person taps "Yes, I agree": their photos may be kept and checked. */
export const agreePhotos = (n: number | string = 1) => button("photo_consent", n)

/** The conversation of someone who agreed and has just sent enough photos (with a voted class). */
export const picturesLoaded = (className = "woman"): Conversation =>
  run([text("hi"), agreePhotos(), ...Array.from({ length: threshold }, (_, i) => accepted(i + 10, className))]).conversation

export const ofTag = <T extends Command["_tag"]>(commands: ReadonlyArray<Command>, tag: T) =>
  commands.filter((command): command is Extract<Command, { _tag: T }> => command._tag === tag)

/** The bodies and captions of every message sent, to search for wording. */
export const sentTexts = (commands: ReadonlyArray<Command>): ReadonlyArray<string> =>
  ofTag(commands, "Send").flatMap(({ message }) => {
    switch (message._tag) {
      case "Text":
      case "Buttons":
      case "List":
      case "LinkButton":
        return [message.body]
      case "Image":
      case "Video":
      case "Document":
        return message.caption === undefined ? [] : [message.caption]
      default:
        return []
    }
  })

/** The reply ids offered by the messages sent. */
export const offeredIds = (commands: ReadonlyArray<Command>): ReadonlyArray<string> =>
  ofTag(commands, "Send").flatMap(({ message }) => {
    switch (message._tag) {
      case "Buttons":
        return message.buttons.map((b) => b.id)
      case "List":
        return message.sections.flatMap((s) => s.rows.map((r) => r.id))
      default:
        return []
    }
  })

/** One action of every kind, naming packs and models of these fixtures. */
export const oneActionOfEachKind: ReadonlyArray<ReplyAction> = [
  ReplyAction.Begin(),
  ReplyAction.HowItWorks(),
  ReplyAction.ChooseLanguage(),
  ReplyAction.SetLanguage({ language: "he" }),
  ReplyAction.Support(),
  ReplyAction.DeleteData(),
  ReplyAction.ConfirmDelete(),
  ReplyAction.CancelDelete(),
  ReplyAction.Ready(),
  ReplyAction.AgreePhotos(),
  ReplyAction.Examples(),
  ReplyAction.AddMore(),
  ReplyAction.Done(),
  ReplyAction.ResetPhotos(),
  ReplyAction.SetClass({ personClass: "man" }),
  ReplyAction.ChooseTier({ tier: "Lite" }),
  ReplyAction.ChoosePack({ packId: PackId.make(101) }),
  ReplyAction.AgreeTerms(),
  ReplyAction.Rate({ stars: 5 }),
  ReplyAction.UseModel({ tuneId: savedModel.tuneId }),
  ReplyAction.NewModel(),
  ReplyAction.Menu(),
  ReplyAction.SkipFeedback()
]
