import { Context, Effect, Schema } from "effect"

export class NotReady extends Schema.TaggedError<NotReady>()("NotReady", { reason: Schema.String }) {}

/** Whether this process can do its work: storage reachable, migrations applied. */
export class Readiness extends Context.Tag("whatsapp-astria-bot/Readiness")<
  Readiness,
  { readonly check: Effect.Effect<void, NotReady> }
>() {
  static readonly alwaysReady = { check: Effect.void }
}
