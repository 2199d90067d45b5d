import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { eventBrokerSuite } from "../../testing/port-suites/EventBrokerSuite.js"

eventBrokerSuite("in memory", (topology) =>
  InMemoryEventBroker.layer({ ...topology, redeliveryDelay: "5 millis" })
)
