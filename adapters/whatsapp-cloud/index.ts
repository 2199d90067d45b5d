export * from "./RecipientPacer.js"
export * from "./sendBody.js"
export * from "./verifySignature.js"
export * from "./WhatsAppCloud.js"
