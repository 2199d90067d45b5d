import type { FakePackSpec } from "./packs.js"

/** The fake Astria's vocabulary: its options, injected faults and what it records. */

export interface FakeAstriaOptions {
  readonly apiKey?: string
  readonly packs?: ReadonlyArray<FakePackSpec>
  /** Side of the rendered square images (pixels). */
  readonly imageSize?: number
  /**
   * Let time move tunes along by itself: training ends `trainingMs` after the create and the
   * images appear `renderMs` later. Without it, the control handle moves them.
   */
  readonly clock?: { readonly trainingMs: number; readonly renderMs: number }
  /**
   * Astria's opt-in account setting: a create with an existing title returns that tune. Off by
   * default, as on a fresh account, so that our own lookup-before-retry is what is tested.
   */
  readonly idempotentTitles?: boolean
  /** Keep tunes, prompts and uploads in this directory across restarts (`persistence.ts`). */
  readonly dataDir?: string
}

/**
 * The answers Astria gives besides success: 400 and 422 (invalid request), 401 (API key), 402 (the
 * account is out of credits), 404, 429 (rate limit), 500 and 504 (docs/api/0-overview.md,
 * "Error Codes"; 400 in docs/api/0-tune/4-list.md; 402 is what astriaai/headshots-starter handles).
 */
export type FakeAstriaFaultStatus = 400 | 401 | 402 | 404 | 422 | 429 | 500 | 504

export interface FakeAstriaFault {
  /** 504 is answered after the request has been processed (the tune IS created); the others before. */
  readonly status: FakeAstriaFaultStatus
  readonly method?: string
  /** Applies to paths starting with this (default: every API path). */
  readonly path?: string
  /** How many matching requests get this answer (default 1). */
  readonly times?: number
  /** Body to answer with; a sensible one by default. */
  readonly body?: string
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly contentType: string
  /** Multipart or urlencoded text fields, every value of repeated keys in order. */
  readonly fields: Readonly<Record<string, ReadonlyArray<string>>>
  readonly files: ReadonlyArray<{ readonly field: string; readonly fileName: string; readonly type: string; readonly size: number }>
  /** The decoded JSON body, when it was JSON. */
  readonly json: unknown
  readonly status: number
}

export interface RecordedCallback {
  readonly url: string
  readonly body: string
  /** False when the drop-callbacks knob swallowed it. */
  readonly sent: boolean
  /** Our server's answer, when it answered. */
  readonly status: number | undefined
}

export interface InspectionInput {
  readonly name: string
  readonly bytes: Uint8Array
  readonly width: number
  readonly height: number
}
