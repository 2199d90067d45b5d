export {
  ServiceBusConfig,
  ServiceBusEntityMissing,
  ServiceBusEventBroker,
  makeServiceBusEventBroker,
  type ServiceBusEventBrokerOptions,
  type ServiceBusSettings,
  type ServiceBusTopology,
  type ServiceBusTuning
} from "./ServiceBusEventBroker.js"
export { serviceBusEntities, subscriptionRules, type SubscriptionRule } from "./ServiceBusEntities.js"
