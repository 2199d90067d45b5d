export * from "./PaymentEvent.js"
export * from "./StripeCheckoutEvent.js"
export * from "./PaymentFields.js"
export * from "./StripeApi.js"
