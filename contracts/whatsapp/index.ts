export * from "./GraphError.js"
export * from "./InboundEvent.js"
export * from "./Send.js"
export * from "./Webhook.js"
