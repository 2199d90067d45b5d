import { join } from "node:path"
import type { Scope } from "effect"
import { Effect, Ref, Schema } from "effect"
import { keepSaved, readTextFile, writeFileAtomically } from "../fakes/persistence.js"
import { type Chat, Person, type Phone } from "./ChatView.js"

/**
 * The simulator's people and what each of them sent, kept in a directory across restarts. What
 * the bot sent them is the fake Graph API's, kept beside it.
 */

const optionalString = Schema.optionalWith(Schema.String, { exact: true })

const SavedChats = Schema.parseJson(
  Schema.Array(
    Schema.Struct({
      person: Person,
      sent: Schema.Array(
        Schema.Struct({
          id: Schema.String,
          at: Schema.Number,
          kind: Schema.Literal("text", "image", "document", "reply", "location", "sticker", "audio", "video", "contact", "reaction", "edit", "delete"),
          text: Schema.String,
          mediaId: optionalString,
          mimeType: optionalString,
          filename: optionalString,
          target: optionalString
        })
      )
    })
  )
)
const decodeChats = Schema.decodeUnknownSync(SavedChats)
const encodeChats = Schema.encodeSync(SavedChats)

/** Loads the chats saved in `directory`, then keeps them saved there for the life of the scope. */
export const persistSimulatorChats = (
  chats: Ref.Ref<Map<Phone, Chat>>,
  directory: string
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const file = join(directory, "chats.json")
    const saved = yield* Effect.tryPromise(() => readTextFile(file)).pipe(
      Effect.map((text) => (text === undefined ? [] : decodeChats(text))),
      Effect.catchAll((error) =>
        Effect.as(
          Effect.logWarning("The simulator could not read its saved people; it starts empty", { directory, reason: String(error.cause) }),
          []
        )
      )
    )
    yield* Ref.set(chats, new Map(saved.map((chat) => [chat.person.phone, chat])))

    let lastSaved = ""
    yield* keepSaved(
      "simulator",
      Effect.flatMap(Ref.get(chats), (all) => {
        const text = encodeChats([...all.values()])
        if (text === lastSaved) return Effect.void
        return Effect.tryPromise(async () => {
          await writeFileAtomically(file, text)
          lastSaved = text
        })
      })
    )
  })
