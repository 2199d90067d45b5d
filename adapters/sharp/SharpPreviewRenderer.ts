import { Config, Effect, Layer, Option } from "effect"
import {
  PreviewRenderFailed,
  PreviewRenderer,
  type ContactSheetRequest
} from "../../application/ports/PreviewRenderer.js"
import { loadSharp } from "./loadSharp.js"

export interface PreviewRendererConfig {
  /** Width of one sample on the sheet; samples are cropped to 4:5 portraits around what draws the eye. */
  readonly tileWidth: number
  /** Samples beyond this many are left out (the sheet stays small enough for WhatsApp's 5 MB). */
  readonly maxImages: number
  /** Sample images declaring more pixels than this are skipped unread. */
  readonly maxInputPixels: number
}

const positiveInteger = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 })
  )

export const PreviewRendererConfig = Config.all({
  tileWidth: positiveInteger("PREVIEW_TILE_WIDTH", 320),
  maxImages: positiveInteger("PREVIEW_MAX_IMAGES", 9),
  maxInputPixels: positiveInteger("PHOTO_MAX_INPUT_PIXELS", 100_000_000)
})

const GAP = 8
const MARGIN = 16
const TITLE_BAND = 88
const BACKGROUND = { r: 17, g: 17, b: 17 }

const escapeMarkup = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** Columns for n samples: 2x2 for four, otherwise rows of up to three. */
const columnsFor = (count: number) => (count === 4 ? 2 : Math.min(3, count))

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

export const makeSharpPreviewRenderer = (config: PreviewRendererConfig) =>
  PreviewRenderer.of({
    renderContactSheet: ({ title, images }: ContactSheetRequest) =>
      Effect.gen(function* () {
        const sharp = yield* loadSharp
        const tileWidth = config.tileWidth
        const tileHeight = Math.round((tileWidth * 5) / 4)
        const tiles = yield* Effect.forEach(
          images.slice(0, config.maxImages),
          (bytes) =>
            Effect.tryPromise(() =>
              sharp(bytes, { autoOrient: true, limitInputPixels: config.maxInputPixels })
                .resize(tileWidth, tileHeight, { fit: "cover", position: "attention" })
                .flatten({ background: BACKGROUND })
                .toColourspace("srgb")
                .raw()
                .toBuffer({ resolveWithObject: true })
            ).pipe(Effect.option),
          { concurrency: 2 }
        ).pipe(Effect.map((results) => results.filter(Option.isSome).map((tile) => tile.value)))
        if (tiles.length === 0) {
          return yield* new PreviewRenderFailed({ reason: "none of the sample images could be read" })
        }

        const columns = columnsFor(tiles.length)
        const rows = Math.ceil(tiles.length / columns)
        const width = 2 * MARGIN + columns * tileWidth + (columns - 1) * GAP
        const height = TITLE_BAND + MARGIN + rows * tileHeight + (rows - 1) * GAP
        const fail = (step: string) => (error: unknown) =>
          new PreviewRenderFailed({ reason: `${step}: ${errorMessage(error)}` })

        // Pango lays the title out, so Hebrew runs right to left and long titles wrap.
        const titleImage = yield* Effect.tryPromise({
          try: () =>
            sharp({
              text: {
                text: `<span foreground="#ffffff">${escapeMarkup(title)}</span>`,
                font: "sans bold",
                width: width - 2 * MARGIN,
                height: TITLE_BAND - 2 * MARGIN,
                align: "centre",
                rgba: true,
                wrap: "word"
              }
            })
              .png()
              .toBuffer({ resolveWithObject: true }),
          catch: fail("title")
        })

        const jpeg = yield* Effect.tryPromise({
          try: () =>
            sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
              .composite([
                {
                  input: titleImage.data,
                  left: Math.max(0, Math.round((width - titleImage.info.width) / 2)),
                  top: Math.max(0, Math.round((TITLE_BAND - titleImage.info.height) / 2))
                },
                ...tiles.map(({ data, info }, index) => ({
                  input: data,
                  raw: { width: info.width, height: info.height, channels: info.channels },
                  left: MARGIN + (index % columns) * (tileWidth + GAP),
                  top: TITLE_BAND + Math.floor(index / columns) * (tileHeight + GAP)
                }))
              ])
              .jpeg({ quality: 85 })
              .toBuffer(),
          catch: fail("composite")
        })
        return {
          jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength),
          width,
          height,
          imageCount: tiles.length
        }
      })
  })

/** The sharp contact-sheet renderer, configured from the environment. */
export const SharpPreviewRendererLive = Layer.effect(
  PreviewRenderer,
  Effect.map(PreviewRendererConfig, makeSharpPreviewRenderer)
)

export const sharpPreviewRendererLayer = (config: PreviewRendererConfig) =>
  Layer.succeed(PreviewRenderer, makeSharpPreviewRenderer(config))
