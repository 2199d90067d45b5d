import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The installed package's root (where `assets/` is), found from this module whether it runs from
 * the sources or from `dist/`.
 */
export const packageRoot = (): string => {
  let directory = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(directory, "package.json")) || !existsSync(join(directory, "assets"))) {
    const parent = dirname(directory)
    if (parent === directory) throw new Error("whatsapp-astria-bot: cannot find the package's assets folder")
    directory = parent
  }
  return directory
}
