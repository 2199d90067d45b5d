import { InMemoryPhotoChecker } from "../../adapters/memory/InMemoryPhotoChecker.js"
import { SharpPhotoCheckerLive } from "../../adapters/sharp/SharpPhotoChecker.js"
import { photoCheckerSuite } from "../../testing/port-suites/PhotoCheckerSuite.js"

photoCheckerSuite("sharp (default settings)", SharpPhotoCheckerLive)
photoCheckerSuite("in memory", InMemoryPhotoChecker.layer())
