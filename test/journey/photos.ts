import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}.jpg`, import.meta.url)))

/** Three different, real, public-domain photographs that pass every local check. */
export const acceptablePhotos: ReadonlyArray<Uint8Array> = [fixture("astronaut"), fixture("cameraman"), fixture("grace_hopper")]
