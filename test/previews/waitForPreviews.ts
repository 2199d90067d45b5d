import { Effect, Schedule } from "effect"
import { Packs, type PackRecord } from "../../application/ports/Packs.js"

/** Waits (up to 60 s: the machine may be busy) until every pack has a preview for each of its classes that `ready` accepts. */
export const waitForPreviews = (ready: (pack: PackRecord, className: string, mediaId: string) => boolean = () => true) =>
  Effect.flatMap(Packs, (packs) => packs.list).pipe(
    Effect.filterOrFail(
      (packs) =>
        packs.length > 0 &&
        packs.every((pack) =>
          Object.keys(pack.samples).every((className) => {
            const mediaId = pack.previews[className]
            return mediaId !== undefined && ready(pack, className, mediaId)
          })
        ),
      () => "previews not ready yet"
    ),
    Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("60 seconds"))),
    Effect.orDie
  )
