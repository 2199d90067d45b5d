import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "@effect/vitest"
import { Layer } from "effect"
import { EmbeddedPglite } from "../../adapters/postgres/EmbeddedPglite.js"
import { PgStorage } from "../../adapters/postgres/PgStorage.js"
import { storageSuites } from "../../testing/port-suites/storage/storageSuites.js"
import { sharedLayer } from "../support/sharedLayer.js"

const dataDir = mkdtempSync(join(tmpdir(), "pglite-contracts-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

storageSuites("PGlite", sharedLayer(PgStorage.pipe(Layer.provide(EmbeddedPglite.layer({ dataDir })))))
