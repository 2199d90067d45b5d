import { Effect, Layer } from "effect"
import { Feedback } from "../../application/ports/Feedback.js"
import { byText, byTime, InMemoryDatabase, sorted } from "./InMemoryDatabase.js"

export const InMemoryFeedback = Layer.effect(
  Feedback,
  Effect.map(InMemoryDatabase, (db) =>
    Feedback.of({
      addRating: (rating) => db.run((t) => void t.ratings.push(rating)),
      addFeedback: (record) =>
        db.run((t) => {
          if (!t.feedback.has(record.id)) t.feedback.set(record.id, record)
        }),
      awaitingSupport: db.run((t) =>
        sorted(
          [...t.feedback.values()].filter((f) => !f.handled),
          (a, b) => byTime(a.at, b.at) || byText(a.id, b.id)
        )
      ),
      deleteForUser: (userId) =>
        db.run((t) => {
          const ratings = t.ratings.length
          t.ratings = t.ratings.filter((r) => r.userId !== userId)
          const theirs = [...t.feedback.values()].filter((f) => f.userId === userId)
          theirs.forEach((f) => t.feedback.delete(f.id))
          return ratings - t.ratings.length + theirs.length
        })
    })
  )
)
