import { Effect } from "effect"

/** A one-way reference to a person, for the records that outlive them (accounting). */
export const pseudonym = (userId: string): Effect.Effect<string> =>
  Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(`user:${userId}`))).pipe(
    Effect.map((digest) => `erased:${Buffer.from(digest).toString("hex")}`)
  )
