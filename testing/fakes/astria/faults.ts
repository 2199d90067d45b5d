import { json, type Answer } from "./answers.js"
import type { FakeAstriaFault } from "./model.js"
import type { AstriaState } from "./state.js"

/** Injected faults: the first one matching a request is used up and answered. */

export const takeFault = (state: AstriaState, method: string, path: string): FakeAstriaFault | undefined => {
  const index = state.faults.findIndex(({ fault }) => (fault.method === undefined || fault.method === method) && path.startsWith(fault.path ?? "/"))
  const entry = state.faults[index]
  if (entry === undefined) return undefined
  if (--entry.remaining <= 0) state.faults.splice(index, 1)
  return entry.fault
}

/** Astria's bodies for each status; a 504 comes from its gateway, as HTML. */
export const faultAnswer = (fault: FakeAstriaFault): Answer => {
  if (fault.body !== undefined) return { status: fault.status, body: fault.body, contentType: "application/json" }
  switch (fault.status) {
    case 422:
      return json(422, { error: "Injected validation failure" })
    case 429:
      return json(429, { error: "Too many requests" })
    case 500:
      return json(500, { error: "Internal server error" })
    case 504:
      return { status: 504, body: "<html><body><h1>504 Gateway Time-out</h1></body></html>", contentType: "text/html" }
  }
}
