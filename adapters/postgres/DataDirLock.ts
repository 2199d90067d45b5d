import { readFile, unlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
}

/**
 * Claims `dataDir` for this process until the scope ends. PGlite keeps no lock of its own, and
 * two processes writing one data directory corrupt it (a second `npm start`, say). A lock left
 * by a process that no longer runs is taken over.
 */
export const lockDataDir = (dataDir: string) => {
  const path = join(dataDir, ".pglite.lock")
  const claim = Effect.tryPromise({
    try: async () => {
      try {
        await writeFile(path, String(process.pid), { flag: "wx" })
        return
      } catch (error) {
        if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error
      }
      const holder = Number((await readFile(path, "utf8")).trim())
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`${dataDir} is in use by process ${holder}; set PGLITE_DATA_DIR to another directory`)
      }
      await writeFile(path, String(process.pid))
    },
    catch: (cause) => new SqlError({ cause, message: `PGlite: cannot lock ${dataDir}` })
  })
  return Effect.acquireRelease(claim, () => Effect.promise(() => unlink(path).catch(() => undefined)))
}
