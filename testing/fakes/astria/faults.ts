import { json, notFound, outOfCredits, unauthorized, type Answer } from "./answers.js"
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

/**
 * Astria's bodies for each status. 400 and 422 carry `{"error": "..."}` or Rails' field form
 * `{"field": ["message"]}` (docs/api/0-overview.md, docs/api/0-tune/4-list.md); Astria documents
 * no body for 401, 402 and 404, so those answer in the same `{"error": ...}` form and the adapter
 * reads only their status; a 504 comes from its gateway, as HTML.
 */
export const faultAnswer = (fault: FakeAstriaFault): Answer => {
  if (fault.body !== undefined) return { status: fault.status, body: fault.body, contentType: "application/json" }
  switch (fault.status) {
    case 400:
      return json(400, { error: "Bad request" })
    case 401:
      return unauthorized
    case 402:
      return outOfCredits
    case 404:
      return notFound
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
