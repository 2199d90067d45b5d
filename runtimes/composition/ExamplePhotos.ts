import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Deferred, Effect, Layer, Schema } from "effect"
import { ExamplePhotos } from "../../application/conversation/ExamplePhotos.js"
import { Messenger } from "../../application/ports/Messenger.js"
import type { ExamplePhoto } from "../../domain/conversation/DecisionContext.js"
import { MediaRef } from "../../domain/messages/OutgoingMessage.js"
import { packageRoot } from "./packageRoot.js"

const ExamplesFile = Schema.parseJson(
  Schema.Struct({
    examples: Schema.Array(Schema.Struct({ file: Schema.String, good: Schema.Boolean }))
  })
)

/** Which of the shipped examples are shown: two good, three common mistakes. */
const shown = new Set(["good-portrait.jpg", "good-closeup.jpg", "bad-hat.jpg", "bad-blurry.jpg", "bad-too-dark.jpg"])

/**
 * Uploads the guideline's example photos to WhatsApp once at start, so "Show me examples" sends
 * them by media id (no public URL needed). Without them the guidelines still work, so a failure
 * here is logged, not fatal.
 */
export const uploadExamplePhotos: Effect.Effect<ReadonlyArray<ExamplePhoto>, never, Messenger> = Effect.gen(
  function* () {
    const messenger = yield* Messenger
    const directory = join(packageRoot(), "assets", "examples")
    const text = yield* Effect.tryPromise(() => readFile(join(directory, "examples.json"), "utf8"))
    const { examples } = yield* Schema.decode(ExamplesFile)(text)
    return yield* Effect.forEach(
      examples.filter((example) => shown.has(example.file)),
      (example) =>
        Effect.tryPromise(() => readFile(join(directory, example.file))).pipe(
          Effect.flatMap((bytes) => messenger.uploadMedia(bytes, "image/jpeg")),
          Effect.map((mediaId): ExamplePhoto => ({ media: MediaRef.Uploaded({ mediaId }), good: example.good }))
        ),
      { concurrency: 2 }
    )
  }
).pipe(
  Effect.catchAll((error) =>
    Effect.logWarning("Example photos not uploaded; the guidelines go without them", { error: String(error) }).pipe(
      Effect.as([])
    )
  )
)

/**
 * The upload started with the runtime, in its own fiber of the runtime's scope: the build does not
 * wait for it (a new instance answers first), a conversation does (it is the same upload once done).
 */
export const ExamplePhotosUploaded = Layer.scoped(
  ExamplePhotos,
  Effect.gen(function* () {
    const uploaded = yield* Deferred.make<ReadonlyArray<ExamplePhoto>>()
    yield* Effect.forkScoped(Effect.intoDeferred(uploadExamplePhotos, uploaded))
    return Deferred.await(uploaded)
  })
)
