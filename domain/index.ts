/**
 * The pure domain of the bot: the conversation decider, pricing, photo feedback and the message
 * catalogue. Imports `effect` only; no I/O, no clock, no randomness.
 *
 * Per event of one person, the application loads the conversation (`Conversation` is a Schema,
 * stored as JSON; `newConversation()` for a first contact) and a `Snapshot` (packs on sale, saved
 * models, `now`, a fresh order id), calls `decide(context, conversation, input)`, stores the new
 * conversation and carries out the commands in order.
 */
export * from "./ids.js"
export * from "./messages/OutgoingMessage.js"
export * from "./messages/limits.js"
export * from "./messages/OutgoingMessageSchema.js"
export * from "./photos/Inspection.js"
export * from "./photos/PhotoRejection.js"
export * from "./photos/PersonClass.js"
export * from "./photos/PhotoVerdict.js"
export * from "./photos/Votes.js"
export * from "./pricing/Money.js"
export * from "./pricing/Tier.js"
export * from "./pricing/Quote.js"
export * from "./catalogue/Language.js"
export * from "./catalogue/Phrases.js"
export * from "./catalogue/Catalogue.js"
export * from "./catalogue/english.js"
export * from "./catalogue/hebrew.js"
export * from "./catalogue/messages.js"
export * from "./conversation/ReplyAction.js"
export * from "./orders/OrderStatus.js"
export * from "./attention/AttentionReason.js"
export * from "./conversation/Conversation.js"
export * from "./conversation/Input.js"
export * from "./conversation/Command.js"
export * from "./conversation/DecisionContext.js"
export type { Decision } from "./conversation/Decision.js"
export { checkoutBasis, isReturningCustomer, personClassOf, usableModels } from "./conversation/checkout.js"
export type { CheckoutBasis } from "./conversation/checkout.js"
export { acceptedReaction, decide, rejectedReaction } from "./conversation/decide.js"
export { deletionAskedFor } from "./catalogue/deletionAskedFor.js"
