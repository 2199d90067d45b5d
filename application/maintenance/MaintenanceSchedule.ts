import { Cause, Cron, Effect, Layer, Schedule } from "effect"
import { runMaintenance } from "./runMaintenance.js"

/** Wednesdays at 04:00 UTC, as the original bot ran it. */
export const maintenanceCron = Cron.unsafeParse("0 4 * * 3", "UTC")

/**
 * Runs maintenance in this process at every `maintenanceCron` time (not at start), for as long as
 * the layer lives. A failed run is logged and the next week's runs anyway. Only the process whose
 * `SERVICES` include `maintenance` should include this layer; Azure Functions calls
 * `runMaintenance` from a timer instead.
 */
export const MaintenanceSchedule = Layer.scopedDiscard(
  runMaintenance.pipe(
    Effect.catchAllCause((cause) => Effect.logError("Maintenance failed; it runs again next week", Cause.pretty(cause))),
    Effect.schedule(Schedule.cron(maintenanceCron)),
    Effect.forkScoped
  )
)
