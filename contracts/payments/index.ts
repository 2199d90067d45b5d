export * from "./PaymentEvent.js"
export * from "./StripeCheckoutEvent.js"
