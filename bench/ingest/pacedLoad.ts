import { Agent, request } from "node:http"

export interface PacedRequest {
  readonly body: string
  readonly headers: Record<string, string>
}

export interface PacedResult {
  readonly sent: number
  readonly ok: number
  readonly failed: number
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const percentile = (sorted: ReadonlyArray<number>, fraction: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN

/**
 * A steady load: one POST every 1/rate seconds whatever the answers (an open loop), each timed
 * from the moment it was due, so that a server falling behind is charged for the wait (no
 * coordinated omission). autocannon's `overallRate` is not that: each connection sends its share
 * of a second back to back when the second starts, a burst at full concurrency every second, which
 * measures the latency of a burst rather than of a steady rate. autocannon has no paced mode.
 */
export const pacedLoad = async (
  url: URL,
  rate: number,
  seconds: number,
  next: () => PacedRequest
): Promise<PacedResult> => {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const latencies: Array<number> = []
  let failed = 0
  const post = (due: number) =>
    new Promise<void>((resolve) => {
      const { body, headers } = next()
      const outgoing = request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        response.resume()
        response.once("end", () => {
          if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
            latencies.push(performance.now() - due)
          } else {
            failed += 1
          }
          resolve()
        })
      })
      outgoing.once("error", () => {
        failed += 1
        resolve()
      })
      outgoing.end(body)
    })

  const total = Math.round(rate * seconds)
  const interval = 1000 / rate
  const started = performance.now()
  const inFlight: Array<Promise<void>> = []
  for (let i = 0; i < total; i++) {
    const due = started + i * interval
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    inFlight.push(post(due))
  }
  await Promise.all(inFlight)
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    sent: total,
    ok: latencies.length,
    failed,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN
  }
}
