import type { Phrases } from "./Phrases.js"

const rejections = {
  unreadable: "I couldn't open that file. Please send a regular photo (JPEG, PNG or HEIC).",
  too_small: "That photo is too small. Please send one at least 512×512 pixels.",
  no_person: "I couldn't find a person in that photo.",
  baby: "That photo seems to show a baby. I can make headshots of men, women, boys and girls.",
  someone_else: "That photo seems to show someone else. Please send photos of the same person only.",
  low_quality: "The quality of that photo is too low. Please send a clearer one, taken with a good camera.",
  multiple_people: "I see more than one person there. Please send photos of just you.",
  funny_face: "Fun face! 😄 For headshots, please send one with a natural expression.",
  blurry: "That one is a bit blurry. Please send a sharper photo.",
  sunglasses: "Please take off the sunglasses for this one.",
  hat: "Please send one without a hat.",
  too_dark: "That photo is too dark. Try one in better light.",
  washed_out: "That photo is too bright or washed out. Try softer light.",
  duplicate: "You already sent this photo (or one very like it). Please send a different one.",
  too_large: "That file is too large for me to open. Please send the photo as a regular photo, not as a document."
} as const

const classNames = { man: "Man", woman: "Woman", boy: "Boy", girl: "Girl" } as const

const tierNames = { Lite: "Lite", Standard: "Standard", Premium: "Premium" } as const

const starLabels = ["Poor", "Could be better", "Okay", "Good", "Loved it"] as const

export const english: Phrases = {
  welcome: {
    body: "Hi! 👋 I turn your selfies into professional AI headshots. What would you like to do?",
    button: "Menu",
    begin: { title: "Let's begin", description: "Send your photos and get headshots" },
    howItWorks: { title: "How it works", description: "Three quick steps" },
    changeLanguage: { title: "Change language", description: "English / עברית" },
    support: { title: "Support", description: "Talk to a person from our team" },
    deleteData: { title: "Delete my data", description: "Erase your photos and history" }
  },
  howItWorks: (threshold) =>
    `1. Send me at least ${threshold} clear photos of yourself.\n` +
    "2. Pick a style pack and pay securely.\n" +
    "3. In a little while your headshots arrive right here. ✨",
  letsBegin: "Let's begin",
  guidelines: (threshold) =>
    `Send me at least ${threshold} clear photos of just you. 📸\n` +
    "• Different angles, places and expressions\n" +
    "• Your face clearly visible, in good light\n" +
    "• No sunglasses, hats, filters or group photos",
  imReady: "I'm ready",
  showExamples: "Show me examples",
  sendPhotosNow: (threshold) => `Great! Send your photos now, ${threshold} or more. You can send them all at once.`,
  photoConsent: {
    body:
      "Before you send photos 📸\n" +
      "They show your face, so I need your OK first. I keep the photos you send only to check them " +
      "and to create your headshots with our AI provider, and they are deleted after training. You " +
      "confirm they are photos of you, or that you have permission.\n\n" +
      "You can erase everything at any time with \"Delete my data\" in the menu.",
    agree: "Yes, I agree",
    notKept: "I haven't kept the photo you sent. Please agree first, then send it again."
  },
  goodExample: "✅ A good example",
  badExample: "❌ Please avoid photos like this",
  chooseLanguage: "Which language would you like?",
  languageChanged: "Done! I'll speak English from now on.",
  supportOnItsWay: "Thanks! Someone from our team will get back to you here soon. 🙏",
  confirmDelete: "This deletes your photos, models and history for good. Are you sure?",
  yesDelete: "Yes, delete",
  cancel: "Cancel",
  dataDeleted: "All your data has been deleted. If you ever want to come back, just say hi. 👋",
  nothingDeleted: "Okay, nothing was deleted.",
  unsupported: "Sorry, I can only read text, photos and button taps. 🙂",
  slowDown: "You're writing faster than I can answer 🙂 I've got your messages; please give me a moment before sending more.",
  staleReply: "That button is from an earlier step. Here's where we are now:",
  rejection: (reason) => rejections[reason],
  photoProgress: (count, threshold) =>
    `I have ${count} of ${threshold} photos so far. Keep them coming! 📸`,
  enoughPhotos: "That's enough photos, thank you! 🎉",
  photoLimitReached: "Thank you, that's plenty of photos! 🙏 I'll work with the ones you've already sent, so there's no need to send more.",
  picturesMenu: {
    body: (count) => `You've sent ${count} good photos. What's next?`,
    button: "Options",
    addMore: { title: "Add more", description: "More photos can give better results" },
    done: { title: "I'm done", description: "Choose your style pack" },
    reset: { title: "Reset photos", description: "Remove them and start over" },
    support: { title: "Support", description: "Talk to a person from our team" }
  },
  sendMorePhotos: "Sure, send more photos whenever you like.",
  photosReset: "Your photos were removed. Let's start fresh!",
  photosInUse: "Your photos are being used to train your model. You can start over once your headshots arrive.",
  askClass: { body: "Who is in the photos?", button: "Choose" },
  className: (personClass) => classNames[personClass],
  classSaved: "Got it, thanks!",
  tierName: (tier) => tierNames[tier],
  tiers: {
    body: (discountPercent) =>
      discountPercent > 0
        ? `Pick a package. As a returning customer you get ${discountPercent}% off! 🎁`
        : "Pick a package:",
    button: "Packages",
    row: (imageCount, price, listPrice) =>
      listPrice === undefined ? `${imageCount} headshots · ${price}` : `${imageCount} headshots · ${price} (was ${listPrice})`
  },
  noPacks: "There are no styles in this package right now. Please pick another one.",
  packs: {
    body: (tierName) => `Choose a style for your ${tierName} package:`,
    button: "Styles",
    caption: (title, imageCount, price) => `${title} · ${imageCount} headshots · ${price}`,
    row: (imageCount, price) => `${imageCount} headshots · ${price}`
  },
  terms: {
    body:
      "Before we start! 😊\n" +
      "Your headshots are created by AI 🤖, automatically and without human editing, so they may not " +
      "look exactly like you and may contain minor deviations or artifacts.\n\n" +
      "Your photos are used only to create your headshots and are deleted after training. Your model " +
      "expires after 30 days. You confirm the photos are of you, or that you have permission.\n\n" +
      "Please confirm you understand and agree before we continue to payment.",
    agree: "I agree",
    back: "Back"
  },
  paymentLink: {
    body: (packTitle, price) => `${packTitle}: ${price}. Tap below to pay securely. If the link expires, write "pay" for a new one.`,
    button: "Pay now"
  },
  checkoutFailed: "We couldn't prepare your payment page just now, sorry. Our team has been told and will get back to you here.",
  paymentReceived: "Payment received, thank you! 💳 I'm starting to train your model.",
  paymentRefused: "Your payment didn't go through. You can try again with the same link.",
  paymentMismatch:
    "The payment didn't match your order's price. Our team will sort it out and get back to you.",
  cancelledOrderPaid:
    "We got a payment for an order you cancelled when you reset your photos. Our team will refund you soon.",
  trainingEta: (minutes) =>
    minutes <= 1
      ? "Your headshots will be ready in about a minute. I'll send them right here."
      : `Your headshots will be ready in about ${minutes} minutes. I'll send them right here.`,
  trainingFailed: "Something went wrong while training your model. Our team is on it and will get back to you.",
  imagesReady: "Your headshots are ready! ✨",
  imagesArriving: "Your first headshots are here! ✨ The rest follow as soon as they're ready.",
  orderOnHold: {
    servicePaused:
      "Your payment is safe. 💳 Our image service is paused for a short while, so your headshots will start a little later. Our team is on it and you'll hear from me as soon as they're on their way.",
    refused:
      "Your payment is safe. 💳 Our image service couldn't start your headshots. Our team has been told and will get back to you soon, to try again or to refund you.",
    savedModelGone:
      "Your payment is safe. 💳 Your saved model is no longer available, and I have no photos left to train a new one. Our team has been told and will get back to you soon, to train from new photos or to refund you."
  },
  mediaUndeliverable: (kind) =>
    `Sorry, one of your ${kind === "Video" ? "videos" : "headshots"} couldn't be delivered. ` +
    "Our team has been told and will get back to you here.",
  rating: {
    body: "How do you like them?",
    button: "Rate",
    stars: (stars) => ({ title: "⭐".repeat(stars), description: starLabels[stars - 1] })
  },
  ratingThanks: "Thank you! So glad you like them. 💛",
  alreadyRated: "You've already rated these. Thank you!",
  anotherPack: (discountPercent) =>
    discountPercent > 0
      ? `Want another style? You get ${discountPercent}% off as a returning customer.`
      : "Want another style?",
  askFeedback: {
    body: "Sorry they're not what you hoped for. What could be better? Just type it here.",
    skip: "Skip"
  },
  feedbackReminder: "Please type your feedback as a message, or tap Skip.",
  feedbackThanks: "Thank you for telling us. Our team will read it and may reach out. 🙏",
  welcomeBack: {
    body: "Welcome back! 👋 Use one of your models for a new style, or train a new one.",
    button: "Choose",
    modelRow: (expiresOn) => `Use this model · expires ${expiresOn}`,
    newModel: { title: "New model", description: "Send new photos" },
    menu: { title: "Menu", description: "Language, support, your data" }
  },
  modelUnavailable: "That model isn't available anymore. Please choose another one or train a new one.",
  chooseModelFirst: "First choose which model to use:"
}
