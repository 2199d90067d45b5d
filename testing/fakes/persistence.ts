import { randomUUID } from "node:crypto"
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import type { Scope } from "effect"
import { Effect, Schedule } from "effect"

/**
 * What the development fakes share to keep their state in the data directory, so that a restarted
 * `npm start` finds the same world. Files are written whole under a temporary name and renamed,
 * so a stop mid-write leaves the previous save.
 */

/** A file's text, or undefined when there is none yet. */
export const readTextFile = (path: string): Promise<string | undefined> =>
  readFile(path, "utf8").catch((error: unknown) => {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined
    throw error
  })

export const writeFileAtomically = async (path: string, data: string | Uint8Array): Promise<void> => {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${randomUUID()}.tmp`
  await writeFile(temporary, data)
  await rename(temporary, path)
}

/** How often a fake's changes are written: a crash loses at most this much. */
const saveEvery = "1 second"

/**
 * Runs `save` every second and once more when the scope closes (the fake stops). A save that
 * fails is logged and tried again next time: a fake that cannot write its directory still serves.
 */
export const keepSaved = (what: string, save: Effect.Effect<void, unknown>): Effect.Effect<void, never, Scope.Scope> => {
  return Effect.gen(function* () {
    // One save at a time, and a save under way finishes before the fake stops.
    const lock = yield* Effect.makeSemaphore(1)
    const saveOnce = save.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning(`The ${what} could not save its state`, cause)),
      lock.withPermits(1),
      Effect.uninterruptible
    )
    yield* Effect.addFinalizer(() => saveOnce)
    yield* Effect.forkScoped(Effect.repeat(Effect.delay(saveOnce, saveEvery), Schedule.forever))
  })
}
