import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Schema } from "effect"
import { packageRoot } from "../composition/packageRoot.js"

const PackageJson = Schema.parseJson(Schema.Struct({ version: Schema.String }))

/** The installed package's version, for `--version`. */
export const packageVersion = (): string =>
  Schema.decodeUnknownSync(PackageJson)(readFileSync(join(packageRoot(), "package.json"), "utf8")).version
