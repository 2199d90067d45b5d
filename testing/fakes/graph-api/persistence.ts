import { readFile, rm } from "node:fs/promises"
import { join } from "node:path"
import type { Scope } from "effect"
import { Effect, Schema } from "effect"
import { SendMessageBody } from "../../../contracts/whatsapp/Send.js"
import { keepSaved, readTextFile, writeFileAtomically } from "../persistence.js"
import { bytesContent } from "./mediaContent.js"
import type { GraphState } from "./state.js"

/**
 * The fake Graph API's world kept in a directory: its people, what each received, when each last
 * wrote (the 24 h window), which of their messages the bot read, and its media (the bot's uploads,
 * such as pack previews, and people's photos) with their upload times, so that media expire 30
 * days after upload across restarts as Meta's do. The other records (attempts, downloads) and
 * faults are a run's own and start empty.
 */

const optionalString = Schema.optionalWith(Schema.String, { exact: true })

const Snapshot = Schema.Struct({
  users: Schema.Array(
    Schema.Struct({ userId: Schema.String, waId: optionalString, name: Schema.String, username: optionalString })
  ),
  lastInbound: Schema.Array(Schema.Tuple(Schema.String, Schema.Number)),
  reads: Schema.Array(Schema.Struct({ messageId: Schema.String, typingIndicator: Schema.Boolean })),
  inbox: Schema.Array(
    Schema.Tuple(Schema.String, Schema.Array(Schema.Struct({ id: Schema.String, body: SendMessageBody, at: Schema.Number })))
  ),
  media: Schema.Array(
    Schema.Struct({ id: Schema.String, mimeType: Schema.String, createdAt: Schema.Number, lifetimeMs: Schema.Number })
  )
})

const SnapshotJson = Schema.parseJson(Snapshot)
const decodeSnapshot = Schema.decodeUnknownSync(SnapshotJson)
const encodeSnapshot = Schema.encodeSync(SnapshotJson)

/** Media ids are digits; anything else in the file is not a name to touch the disk with. */
const isMediaId = (id: string) => /^\d+$/.test(id)

/**
 * Loads what `directory` holds into the state, then keeps it saved there for the life of the
 * scope. A media file that went missing drops only that media.
 */
export const persistGraphState = (state: GraphState, directory: string): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const stateFile = join(directory, "state.json")
    const mediaFile = (id: string) => join(directory, "media", id)
    const onDisk = new Set<string>()

    const load = async () => {
      const text = await readTextFile(stateFile)
      if (text === undefined) return
      const saved = decodeSnapshot(text)
      for (const user of saved.users) state.users.set(user.userId, { ...user })
      for (const [userId, at] of saved.lastInbound) state.lastInbound.set(userId, at)
      state.reads.push(...saved.reads)
      for (const [userId, messages] of saved.inbox) state.inbox.set(userId, [...messages])
      for (const item of saved.media) {
        if (!isMediaId(item.id)) continue
        const bytes = await readFile(mediaFile(item.id)).catch(() => undefined)
        if (bytes === undefined) continue
        state.media.set(item.id, { ...bytesContent(new Uint8Array(bytes), item.mimeType), createdAt: item.createdAt, lifetimeMs: item.lifetimeMs })
        onDisk.add(item.id)
      }
    }

    let lastSaved = ""
    const save = async () => {
      const media = [...state.media.entries()].filter(([id]) => isMediaId(id))
      for (const [id, item] of media) {
        if (onDisk.has(id)) continue
        await writeFileAtomically(mediaFile(id), item.bytes())
        onDisk.add(id)
      }
      for (const id of onDisk) {
        if (state.media.has(id)) continue
        await rm(mediaFile(id), { force: true })
        onDisk.delete(id)
      }
      const text = encodeSnapshot({
        users: [...state.users.values()],
        lastInbound: [...state.lastInbound.entries()],
        reads: state.reads,
        inbox: [...state.inbox.entries()],
        media: media.map(([id, item]) => ({ id, mimeType: item.mimeType, createdAt: item.createdAt, lifetimeMs: item.lifetimeMs }))
      })
      if (text === lastSaved) return
      await writeFileAtomically(stateFile, text)
      lastSaved = text
    }

    yield* Effect.tryPromise(load).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("The fake Graph API could not read its saved state; it starts empty", { directory, reason: String(error.cause) })
      )
    )
    yield* keepSaved("fake Graph API", Effect.tryPromise(save))
  })
