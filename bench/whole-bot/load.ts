import { Agent, request } from "node:http"
import type { ReplySeen } from "./graph-stand-in.js"
import { personNumber, signedMessage, type Said } from "./people.js"

/** The wall clock in ms with sub-ms precision; the Graph API stand-in reads the same clock. */
export const wallNow = (): number => performance.timeOrigin + performance.now()

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/**
 * A new person's three messages, each drawing one reply from the bot (checked: the stand-in sees
 * one reply per message, and `expects` names what that reply offers for the next step): "hi"
 * (answered with the welcome list), a pick of its first row (answered with the pack's question and
 * its "ready" button), a tap on "ready" (the question whether photos may be kept). Two are taps, so
 * the flood guard, which takes a person's free texts together, never holds an answer back.
 */
export const script: ReadonlyArray<{ readonly said: Said; readonly expects: string | undefined }> = [
  { said: { type: "text", text: "hi" }, expects: "begin" },
  { said: { type: "list_reply", id: "begin" }, expects: "ready" },
  { said: { type: "button_reply", id: "ready" }, expects: undefined }
]

/** One webhook: when it was sent (or due, at a fixed rate), how long until its 2xx, if it got one. */
export interface WebhookSample {
  readonly sentAt: number
  readonly ms: number
  readonly ok: boolean
}

/** One answered message: when its first reply reached the stand-in, and how long after the webhook was sent. */
export interface Answer {
  readonly at: number
  readonly ms: number
}

interface Outstanding {
  readonly sentAt: number
  readonly expects: string | undefined
  readonly onAnswer: ((answer: Answer) => void) | undefined
}

/**
 * Webhooks to one server and the replies the stand-in saw, matched per person in order: each
 * message draws one reply, so a person's n-th reply answers their n-th message still unanswered.
 */
export class Traffic {
  readonly webhooks: Array<WebhookSample> = []
  readonly answers: Array<Answer> = []
  /** Webhooks answered 2xx so far. */
  acknowledged = 0
  /** Replies to nobody waiting (more replies than messages), and replies without the expected choice. */
  stray = 0
  unexpected = 0
  private readonly outstanding = new Map<string, Array<Outstanding>>()
  private readonly agent: Agent
  private sequence = 0

  constructor(
    private readonly url: URL,
    private readonly checkReplies: boolean,
    maxSockets: number
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets })
  }

  onReplies(replies: ReadonlyArray<ReplySeen>): void {
    for (const [to, at, actions] of replies) {
      const queue = this.outstanding.get(to)
      const first = queue?.shift()
      if (first === undefined) {
        this.stray += 1
        continue
      }
      if (queue?.length === 0) this.outstanding.delete(to)
      if (this.checkReplies && first.expects !== undefined && !actions.includes(first.expects)) this.unexpected += 1
      const answer = { at, ms: at - first.sentAt }
      this.answers.push(answer)
      first.onAnswer?.(answer)
    }
  }

  /** POSTs one signed message; `sentAt` is when it was due (a fixed rate) or now. */
  post(waId: string, said: Said, expects: string | undefined, options: { readonly dueAt?: number; readonly onAnswer?: (answer: Answer) => void } = {}): Promise<boolean> {
    const { body, headers } = signedMessage(waId, `wamid.bench.${process.pid}.${this.sequence++}`, said)
    const sentAt = options.dueAt ?? wallNow()
    const queue = this.outstanding.get(waId) ?? []
    const entry: Outstanding = { sentAt, expects, onAnswer: options.onAnswer }
    queue.push(entry)
    this.outstanding.set(waId, queue)
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        const now = wallNow()
        this.webhooks.push({ sentAt, ms: now - sentAt, ok })
        if (ok) this.acknowledged += 1
        else queue.splice(queue.indexOf(entry), 1)
        resolve(ok)
      }
      const outgoing = request(this.url, { method: "POST", agent: this.agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        response.resume()
        response.once("end", () => done(response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300))
      })
      outgoing.once("error", () => done(false))
      outgoing.end(body)
    })
  }

  /** The backlog as of now: webhooks acknowledged minus messages answered. */
  backlog(): number {
    return this.acknowledged - this.answers.length
  }

  close(): void {
    this.agent.destroy()
  }
}

/**
 * `peopleAtOnce` new people converse at once, each writing its next message only once the last
 * was answered, a new person taking the place of one who is done: a closed loop over answered
 * messages, so that what is measured is the rate of answers, with at most `peopleAtOnce` messages
 * acknowledged and unanswered (the backlog's bound). Runs until `stopAt` (wall clock ms); a person
 * whose answer does not come within `answerTimeoutMillis` gives up (counted).
 */
export const conversations = async (
  traffic: Traffic,
  peopleAtOnce: number,
  firstPerson: number,
  stopAt: number,
  answerTimeoutMillis: number
): Promise<{ readonly people: number; readonly gaveUp: number }> => {
  let next = firstPerson
  let gaveUp = 0
  const converse = async (waId: string) => {
    for (const step of script) {
      let timer: NodeJS.Timeout | undefined
      const answered = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), answerTimeoutMillis)
        void traffic
          .post(waId, step.said, step.expects, { onAnswer: () => resolve(true) })
          .then((ok) => (ok ? undefined : resolve(false)))
      })
      const ok = await answered
      clearTimeout(timer)
      if (!ok) {
        gaveUp += 1
        return
      }
      if (wallNow() >= stopAt) return
    }
  }
  const lane = async () => {
    while (wallNow() < stopAt) await converse(personNumber(next++))
  }
  await Promise.all(Array.from({ length: peopleAtOnce }, lane))
  return { people: next - firstPerson, gaveUp }
}

/**
 * New people's messages at a steady `rate` for `seconds`, an open loop: one webhook every 1/rate s
 * whatever the answers, each timed from when it was due (no coordinated omission, as
 * bench/ingest/pacedLoad.ts). People come in groups of half a second's worth: the group's "hi",
 * then half a second later each one's pick, then their tap, so each person's messages are half a
 * second apart and arrive in order.
 */
export const steadyMessages = async (traffic: Traffic, rate: number, seconds: number, firstPerson: number): Promise<number> => {
  const group = Math.max(1, Math.ceil(rate / 2))
  const total = Math.round(rate * seconds)
  const interval = 1000 / rate
  const started = wallNow()
  const inFlight: Array<Promise<boolean>> = []
  for (let i = 0; i < total; i++) {
    const block = Math.floor(i / (group * script.length))
    const within = i % (group * script.length)
    const step = script[Math.floor(within / group)] ?? script[0]
    const person = firstPerson + block * group + (within % group)
    const due = started + i * interval
    const wait = due - wallNow()
    if (wait > 0) await sleep(wait)
    if (step !== undefined) inFlight.push(traffic.post(personNumber(person), step.said, step.expects, { dueAt: due }))
  }
  await Promise.all(inFlight)
  return firstPerson + Math.ceil(total / (group * script.length)) * group
}

/**
 * `total` new people's first "hi", as fast as the server takes them: `connections` webhooks in
 * flight at once, each sent when one is answered (a closed loop over webhooks, not answers); no
 * more are sent after `stopAt` (wall clock ms).
 */
export const burstOfFirstMessages = async (traffic: Traffic, total: number, connections: number, firstPerson: number, stopAt: number): Promise<number> => {
  let next = 0
  const first = script[0]
  if (first === undefined) return 0
  const lane = async () => {
    while (next < total && wallNow() < stopAt) {
      const person = firstPerson + next++
      await traffic.post(personNumber(person), first.said, first.expects)
    }
  }
  await Promise.all(Array.from({ length: connections }, lane))
  return firstPerson + next
}
