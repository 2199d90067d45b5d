import { Context, Effect, Layer, Ref } from "effect"
import { NotReady } from "../ports/Readiness.js"

/** Why a worker is not running, and since when. */
export interface WorkerDown {
  readonly worker: string
  readonly reason: string
  readonly since: Date
}

export interface WorkerHealthService {
  /** The worker runs (started, or restarted after it stopped). */
  readonly running: (worker: string) => Effect.Effect<void>
  /** The worker stopped; it stays reported down until it runs again. */
  readonly stopped: (worker: string, reason: string) => Effect.Effect<void>
  /** The workers not running now, in the order they stopped. */
  readonly down: Effect.Effect<ReadonlyArray<WorkerDown>>
  /** Fails naming every worker that is not running, so that /ready says which and why. */
  readonly check: Effect.Effect<void, NotReady>
}

const make = Effect.gen(function* () {
  const stoppedWorkers = yield* Ref.make<ReadonlyMap<string, WorkerDown>>(new Map())
  const down = Effect.map(Ref.get(stoppedWorkers), (map) => [...map.values()])
  return WorkerHealth.of({
    running: (worker) =>
      Ref.update(stoppedWorkers, (map) => {
        const next = new Map(map)
        next.delete(worker)
        return next
      }),
    stopped: (worker, reason) =>
      Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) =>
        Ref.update(stoppedWorkers, (map) => new Map(map).set(worker, { worker, reason, since: new Date(now) }))
      ),
    down,
    check: Effect.flatMap(down, (workers) =>
      workers.length === 0
        ? Effect.void
        : Effect.fail(
            new NotReady({
              reason: workers.map((stopped) => `worker ${stopped.worker} is not running: ${stopped.reason}`).join("; ")
            })
          )
    )
  })
})

/**
 * What the process's background workers report: which of them are running. `/ready` fails while
 * one is not, naming it; a process whose worker died stays up (it still answers webhooks), so
 * only readiness can tell an operator or an orchestrator that its work has stopped.
 */
export class WorkerHealth extends Context.Tag("whatsapp-astria-bot/WorkerHealth")<WorkerHealth, WorkerHealthService>() {
  static readonly layer: Layer.Layer<WorkerHealth> = Layer.effect(WorkerHealth, make)
}
