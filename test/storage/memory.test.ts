import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { storageSuites } from "../../testing/port-suites/storage/storageSuites.js"

storageSuites("in memory", InMemoryStorage)
