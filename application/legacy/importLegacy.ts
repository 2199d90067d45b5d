import { Clock, Data, Effect, Either, Option, Schema } from "effect"
import { sumitPaymentRecordId } from "../../contracts/payments/SumitApi.js"
import type { Language } from "../../domain/catalogue/Language.js"
import { Conversation, newConversation } from "../../domain/conversation/Conversation.js"
import type { Stage } from "../../domain/conversation/Conversation.js"
import { OrderId, TuneId, UserId } from "../../domain/ids.js"
import { Astria, type AstriaNotFound, type AstriaTune } from "../ports/Astria.js"
import { Feedback, FeedbackRecord, RatingRecord } from "../ports/Feedback.js"
import { Ids } from "../ports/Ids.js"
import { PaymentRecord, PaymentRecords } from "../ports/PaymentRecords.js"
import { TuneRecord, Tunes } from "../ports/Tunes.js"
import { UnitOfWork } from "../ports/UnitOfWork.js"
import { Users } from "../ports/Users.js"
import { LegacyDatabase, type LegacyRating, type LegacyUser } from "./LegacyDatabase.js"

/** The original's states, by their number in its `users.state`. */
export const legacyStates = ["NEW", "PICTURESLOADED", "TUNEREADY", "WRITING_FEEDBACK"] as const
const legacyStateName = (state: number): string => legacyStates[state] ?? `unknown state ${state}`

/** The person's saved model as Astria knows it now. */
export type ModelCheck =
  | { readonly _tag: "NoModel" }
  /** Trained and not expired: offered again. `foundBy` says whether the stored id or the old title (the phone number) found it. */
  | { readonly _tag: "Usable"; readonly tune: AstriaTune; readonly expiresAt: Date; readonly foundBy: "id" | "title" }
  /** Astria deletes a model 30 days after training: not offered. */
  | { readonly _tag: "Expired"; readonly tuneId: number }
  /** Neither its id nor the phone number finds it on Astria any more. */
  | { readonly _tag: "Gone"; readonly tuneId: Option.Option<number> }
  /** Astria could not be asked now: the person is left for the next run. */
  | { readonly _tag: "Unchecked"; readonly reason: string }

export interface PersonPlan {
  readonly phone: string
  readonly legacyState: string
  readonly stage: Stage
  readonly language: Language
  readonly model: ModelCheck
  /** Ratings (with any feedback written) carried over. */
  readonly ratings: number
  /** Photos the original held; their WhatsApp media expired, so they are not carried over. */
  readonly picturesLeft: number
  /** `import` creates them; `present` is someone already talking to this bot (left as they are); `later` waits for Astria. */
  readonly action: "import" | "present" | "later"
}

export interface ImportReport {
  readonly dryRun: boolean
  readonly people: ReadonlyArray<PersonPlan>
  readonly payments: { readonly total: number; readonly recorded: number }
}

/**
 * SUMIT payment ids the original handled are kept as this bot keeps SUMIT's (provider `sumit`, id
 * `sumit-<SUMIT's payment id>`, see adapters/payments/sumitNotification.ts), so that a late
 * notification of one is a duplicate here and trains nothing.
 */
/**
 * A SUMIT payment the original bot handled, as the import keeps it: under the id any later
 * notification of that payment is recorded under, so it is a duplicate and changes nothing.
 */
export const legacyPaymentRecord = (sumitId: string, paidAt: Date, receivedAt: Date) =>
  new PaymentRecord({
    id: sumitPaymentRecordId(sumitId),
    provider: "sumit",
    orderId: "legacy",
    userRef: Option.none(),
    amountMinor: 0,
    currency: "ILS",
    tier: Option.none(),
    status: "handled by the original bot",
    outcome: "accepted",
    paidAt,
    receivedAt
  })

const languageOf = (code: number): Language => (code === 1 ? "he" : "en")

const numericId = (text: string | null): Option.Option<number> =>
  text !== null && /^\d{1,15}$/.test(text.trim()) ? Option.some(Number(text.trim())) : Option.none()

const trained = (tune: AstriaTune, now: Date): ModelCheck =>
  Option.match(tune.expiresAt, {
    // Not trained (yet, or ever): nothing to reuse.
    onNone: () => (Option.isSome(tune.trainedAt) ? { _tag: "Expired", tuneId: tune.id } : { _tag: "Gone", tuneId: Option.some(tune.id) }),
    onSome: (expiresAt) =>
      expiresAt.getTime() > now.getTime() ? { _tag: "Usable", tune, expiresAt, foundBy: "id" } : { _tag: "Expired", tuneId: tune.id }
  })

/**
 * Asks Astria for the person's model: by the stored tune id, then by the title the original gave
 * its tunes (the phone number), which finds older ones too.
 */
const checkModel = (user: LegacyUser, now: Date) =>
  Effect.gen(function* () {
    const astria = yield* Astria
    const stored = numericId(user.tuneId)
    const notFound = (error: AstriaNotFound) => Effect.succeed(Either.left(error))
    if (Option.isSome(stored)) {
      const byId = yield* astria.getTune(TuneId.make(stored.value)).pipe(Effect.map(Either.right), Effect.catchTag("AstriaNotFound", notFound))
      if (Either.isRight(byId)) return trained(byId.right, now)
    }
    // The original titled its tunes with the phone number; the port names titles by our order ids.
    const byTitle = yield* astria.findTuneByTitle(OrderId.make(user.phone))
    if (Option.isSome(byTitle)) {
      const check = trained(byTitle.value, now)
      return check._tag === "Usable" ? { ...check, foundBy: "title" as const } : check
    }
    const gone: ModelCheck = { _tag: "Gone", tuneId: stored }
    return Option.isNone(stored) ? ({ _tag: "NoModel" } as ModelCheck) : gone
  }).pipe(
    Effect.catchAll((error): Effect.Effect<ModelCheck> => Effect.succeed({ _tag: "Unchecked", reason: error.message }))
  )

const hasModelOf = (check: ModelCheck): boolean => check._tag === "Usable" || check._tag === "Expired"

/**
 * Where the person goes on here. NEW stays New. PICTURESLOADED starts the photos again: WhatsApp
 * deleted their media long ago. TUNEREADY is TuneReady when a model of theirs is known (an expired
 * one is not offered; the person is offered a new one). WRITING_FEEDBACK goes on waiting for their
 * feedback, about the pack they were delivered.
 */
const stageOf = (user: LegacyUser, model: ModelCheck): Stage => {
  const known = hasModelOf(model) || Option.isSome(numericId(user.tuneId))
  switch (user.state) {
    case 2:
      return known ? "TuneReady" : "New"
    case 3:
      return known ? "WritingFeedback" : "New"
    default:
      return "New"
  }
}

const modelTuneId = (user: LegacyUser, model: ModelCheck): Option.Option<number> => {
  switch (model._tag) {
    case "Usable":
      return Option.some(model.tune.id)
    case "Expired":
      return Option.some(model.tuneId)
    default:
      return numericId(user.tuneId)
  }
}

/** The pack the original delivered, as this bot's conversation keeps a delivered order (its price was the original's). */
const legacyOrderId = (tuneId: number) => OrderId.make(`legacy-tune-${tuneId}`)

const conversationOf = (user: LegacyUser, plan: PersonPlan) =>
  Effect.gen(function* () {
    const tuneId = modelTuneId(user, plan.model)
    const chosenPack = numericId(user.chosenPack)
    const orders = Option.match(tuneId, {
      onNone: () => [],
      onSome: (id) => [
        {
          id: legacyOrderId(id),
          packId: Option.getOrElse(chosenPack, () => 0),
          packTitle: "Headshots (original bot)",
          quote: { tier: "Standard", imageCount: 1, listPrice: 0, discountPercent: 0, amount: 0, currency: "ILS" },
          personClass: user.entityType ?? "person",
          characteristics: {},
          source: { _tag: "Photos" },
          status: "Delivered",
          tuneId: id
        }
      ]
    })
    const decoded = yield* Schema.decodeUnknown(Conversation)({
      ...Schema.encodeSync(Conversation)(newConversation(plan.language)),
      stage: plan.stage,
      // Someone the original spoke with was welcomed already, except at NEW, where it answers with its welcome.
      welcomed: user.state !== 0,
      termsAgreed: orders.length > 0,
      orders
    }).pipe(Effect.orDie)
    return yield* Schema.encode(Conversation)(decoded).pipe(Effect.orDie)
  })

const ratingsOf = (phone: string, ratings: ReadonlyArray<LegacyRating>) => ratings.filter((rating) => rating.phone === phone)

/** Writes one person: user, conversation, saved model, ratings and feedback, in one transaction. */
const importPerson = (user: LegacyUser, plan: PersonPlan, ratings: ReadonlyArray<LegacyRating>, now: Date) =>
  Effect.flatMap(UnitOfWork, (unitOfWork) =>
    unitOfWork.transaction(
      Effect.gen(function* () {
        const users = yield* Users
        const ids = yield* Ids
        const resolved = yield* users.resolve(
          { waId: Option.some(user.phone), bsuid: Option.none(), profileName: Option.none() },
          UserId.make(yield* ids.uuid),
          now
        )
        const userId = resolved.user.id
        yield* users.lock(userId)
        // Someone already talking to this bot (or imported before) is left as they are: idempotent.
        if (Option.isSome(yield* users.loadConversation(userId))) return false
        yield* users.saveConversation(userId, yield* conversationOf(user, plan))
        const tuneId = modelTuneId(user, plan.model)
        if (plan.model._tag === "Usable" || plan.model._tag === "Expired") {
          const tunes = yield* Tunes
          const id = plan.model._tag === "Usable" ? plan.model.tune.id : plan.model.tuneId
          const known = (yield* tunes.listForUser(userId)).some((tune) => tune.id === id)
          if (!known) {
            yield* tunes.add(
              new TuneRecord({
                id: TuneId.make(id),
                userId,
                orderId: legacyOrderId(id),
                className: user.entityType ?? (plan.model._tag === "Usable" ? plan.model.tune.className : "person"),
                title: "Saved model",
                createdAt: plan.model._tag === "Usable" ? Option.getOrElse(plan.model.tune.trainedAt, () => now) : now,
                expiresAt: plan.model._tag === "Usable" ? Option.some(plan.model.expiresAt) : Option.none(),
                expired: plan.model._tag === "Expired"
              })
            )
          }
        }
        const feedback = yield* Feedback
        const orderId = Option.map(tuneId, legacyOrderId)
        for (const rating of ratings) {
          const at = rating.date ?? now
          if (rating.rating !== null && rating.rating >= 1 && rating.rating <= 5) {
            yield* feedback.addRating(new RatingRecord({ userId, orderId, stars: rating.rating, at }))
          }
          if (rating.feedback !== null && rating.feedback.trim().length > 0) {
            // Read by the original's operator in its time: not put before support again.
            yield* feedback.addFeedback(
              new FeedbackRecord({ id: yield* ids.uuid, userId, orderId, text: rating.feedback, at, handled: true })
            )
          }
        }
        return true
      })
    )
  )

/** Carries a dry run's report out of the transaction it rolls back. */
class DryRunRollback extends Data.TaggedError("DryRunRollback")<{ readonly report: ImportReport }> {}

/**
 * Carries the original Python bot's people over: each user with their stage, language and saved
 * model (checked on Astria first, outside any transaction; an expired one is not offered), their
 * ratings and feedback, and the SUMIT payment ids it handled. Idempotent: a person who already has
 * a conversation here is left as they are, a payment id recorded before is skipped. A dry run does
 * the same writes in one transaction and rolls it back, so what it reports is what a run would do.
 * The original's database is only read.
 */
export const importLegacy = (options: { readonly dryRun: boolean }) =>
  Effect.gen(function* () {
    const legacy = yield* Effect.flatMap(LegacyDatabase, (database) => database.read)
    const now = new Date(yield* Clock.currentTimeMillis)
    const plans: Array<{ readonly user: LegacyUser; readonly plan: PersonPlan; readonly ratings: ReadonlyArray<LegacyRating> }> = []
    for (const user of legacy.users) {
      const model = yield* checkModel(user, now)
      const ratings = ratingsOf(user.phone, legacy.ratings)
      plans.push({
        user,
        ratings,
        plan: {
          phone: user.phone,
          legacyState: legacyStateName(user.state),
          stage: stageOf(user, model),
          language: languageOf(user.language),
          model,
          ratings: ratings.length,
          picturesLeft: user.pictures,
          action: model._tag === "Unchecked" ? "later" : "import"
        }
      })
    }
    const write = Effect.gen(function* () {
      const people: Array<PersonPlan> = []
      for (const { user, plan, ratings } of plans) {
        if (plan.action === "later") people.push(plan)
        else people.push({ ...plan, action: (yield* importPerson(user, plan, ratings, now)) ? "import" : "present" })
      }
      const payments = yield* PaymentRecords
      let recorded = 0
      for (const payment of legacy.payments) {
        const isNew = yield* payments.recordIfNew(legacyPaymentRecord(payment.id, payment.date, now))
        if (isNew) recorded += 1
      }
      const report: ImportReport = { dryRun: options.dryRun, people, payments: { total: legacy.payments.length, recorded } }
      return report
    })
    if (!options.dryRun) return yield* write
    return yield* Effect.flatMap(UnitOfWork, (unitOfWork) =>
      unitOfWork.transaction(Effect.flatMap(write, (report) => Effect.fail(new DryRunRollback({ report }))))
    ).pipe(Effect.catchTag("DryRunRollback", (rollback) => Effect.succeed(rollback.report)))
  })
