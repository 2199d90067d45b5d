import { Context, Schema } from "effect"
import type { Effect } from "effect"

export interface ContactSheetRequest {
  /** Shown above the grid (a pack's title); any script, right-to-left included. */
  readonly title: string
  /** Sample images in any format the renderer reads; unreadable ones are left out. */
  readonly images: ReadonlyArray<Uint8Array>
}

export interface ContactSheet {
  readonly jpeg: Uint8Array
  readonly width: number
  readonly height: number
  /** How many of the given images made it onto the sheet. */
  readonly imageCount: number
}

export class PreviewRenderFailed extends Schema.TaggedError<PreviewRenderFailed>()("PreviewRenderFailed", {
  reason: Schema.String
}) {}

/** Renders a pack's preview: a contact sheet of its sample images under its title, as a JPEG. */
export class PreviewRenderer extends Context.Tag("whatsapp-astria-bot/PreviewRenderer")<
  PreviewRenderer,
  {
    readonly renderContactSheet: (request: ContactSheetRequest) => Effect.Effect<ContactSheet, PreviewRenderFailed>
  }
>() {}
