import type { AstriaState } from "./state.js"

/**
 * Posts a callback as Astria does: JSON, once, never retried. The knobs drop it (recorded as not
 * sent) or repeat it, which Astria does not do but our endpoint must bear.
 */
export const postCallback = async (state: AstriaState, url: string, body: unknown): Promise<void> => {
  const text = JSON.stringify(body)
  if (state.dropCallbacks) {
    state.callbacks.push({ url, body: text, sent: false, status: undefined })
    return
  }
  for (let i = 0; i < state.repeatCallbacks; i++) {
    const status = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: text })
      .then(async (res) => {
        await res.arrayBuffer()
        return res.status
      })
      // Astria does not retry a failed callback; neither do we.
      .catch(() => undefined)
    state.callbacks.push({ url, body: text, sent: true, status })
  }
}
