import { InMemoryPhotoChecker } from "../../adapters/memory/InMemoryPhotoChecker.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { photoCheckerContract } from "../../runtimes/harness/contracts/PhotoCheckerContract.js"

photoCheckerContract("sharp (default settings)", SharpPhotoCheckerLive)
photoCheckerContract("in memory", InMemoryPhotoChecker.layer())
