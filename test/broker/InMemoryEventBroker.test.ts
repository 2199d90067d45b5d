import { InMemoryEventBroker } from "../../adapters/memory/InMemoryEventBroker.js"
import { eventBrokerContract } from "../../runtimes/harness/contracts/EventBrokerContract.js"

eventBrokerContract("in memory", (topology) =>
  InMemoryEventBroker.layer({ ...topology, redeliveryDelay: "5 millis" })
)
