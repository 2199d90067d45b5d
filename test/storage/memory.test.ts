import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { storageContracts } from "../../runtimes/harness/contracts/storage/storageContracts.js"

storageContracts("in memory", InMemoryStorage)
