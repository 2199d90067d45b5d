import { Option } from "effect"
import type * as Wire from "../../contracts/astria/index.js"
import { characteristicKeys, inspectionNone } from "../../contracts/astria/index.js"
import { PackId, TuneId } from "../../domain/ids.js"
import { PhotoInspection } from "../../domain/photos/Inspection.js"
import type { PackOrigin, TrainingStatus } from "../../application/ports/Astria.js"
import { AstriaTune, GeneratedPrompt, PackDetail, PackSummary, PromptId } from "../../application/ports/Astria.js"

/** Translations from Astria's wire objects (already decoded) to the port's values. */

const statusOf = (tune: Wire.Tune): TrainingStatus =>
  tune.trained_at ? "trained" : tune.started_training_at ? "training" : "queued"

export const toTune = (tune: Wire.Tune): AstriaTune =>
  new AstriaTune({
    id: TuneId.make(tune.id),
    title: tune.title ?? "",
    className: tune.name ?? "",
    status: statusOf(tune),
    eta: Option.fromNullable(tune.eta),
    trainedAt: Option.fromNullable(tune.trained_at),
    expiresAt: Option.fromNullable(tune.expires_at)
  })

export const toPrompt = (prompt: Wire.Prompt): GeneratedPrompt =>
  new GeneratedPrompt({
    id: PromptId.make(prompt.id),
    text: prompt.text ?? "",
    images: prompt.images,
    done: prompt.images.length > 0 || prompt.trained_at != null || prompt.user_error != null,
    error: Option.fromNullable(prompt.user_error)
  })

export const toPackSummary = (pack: Wire.PackListItem, origin: PackOrigin): PackSummary =>
  new PackSummary({
    id: PackId.make(pack.id),
    origin,
    slug: pack.slug,
    title: pack.title,
    coverUrl: Option.fromNullable(pack.cover_url)
  })

const mapValues = <A, B>(record: Readonly<Record<string, A>>, f: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]))

export const toPackDetail = (pack: Wire.PackDetail): PackDetail =>
  new PackDetail({
    id: PackId.make(pack.id),
    slug: pack.slug,
    title: pack.title,
    coverUrl: Option.fromNullable(pack.cover_url),
    offers: mapValues(pack.costs, (cost) => ({ costCents: cost.cost, imageCount: cost.num_images })),
    samples: mapValues(pack.prompts_per_class, (prompts) =>
      prompts.map((prompt) => ({ promptId: PromptId.make(prompt.id), images: prompt.images }))
    )
  })

/** A value Astria gave, or nothing for its "NONE" and for empty answers. */
const present = (value: string | number | null | undefined): string | undefined => {
  const text = value == null ? "" : String(value).trim()
  return text === "" || text === inspectionNone ? undefined : text
}

export const toInspection = (result: Wire.InspectionResult): PhotoInspection => {
  const characteristics: Record<string, string> = {}
  for (const key of characteristicKeys) {
    const value = present(result[key])
    if (value !== undefined) characteristics[key] = value
  }
  return new PhotoInspection({
    className: present(result.name) ?? "",
    characteristics,
    funnyFace: result.funny_face ?? false,
    sunglasses: result.wearing_sunglasses ?? false,
    hat: result.wearing_hat ?? false,
    blurry: result.blurry ?? false,
    multiplePeople: result.includes_multiple_people ?? false,
    lowResolution: result.low_resolution ?? false,
    lowQuality: result.low_quality ?? false
  })
}
