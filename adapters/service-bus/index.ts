export {
  ServiceBusConfig,
  ServiceBusEventBroker,
  makeServiceBusEventBroker,
  type ServiceBusEventBrokerOptions,
  type ServiceBusSettings,
  type ServiceBusTopology,
  type ServiceBusTuning
} from "./ServiceBusEventBroker.js"
