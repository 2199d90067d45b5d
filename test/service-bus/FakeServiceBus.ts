import { randomUUID } from "node:crypto"
import type { Server, Socket } from "node:net"
import rhea from "rhea"
import type { Connection, Delivery, EventContext, Sender } from "rhea"

/**
 * A fake Azure Service Bus namespace on rhea, for the real @azure/service-bus SDK over AMQP
 * (connection string with `UseDevelopmentEmulator=true`). One topic whose subscriptions require
 * sessions; what it implements is what the SDK needs for that:
 * - `$cbs` put-token (always accepted) before every link;
 * - senders to the topic: single messages and batches (format 0x80013700), duplicate detection by
 *   `messageId`, fan-out to the subscriptions whose filter matches: the subject (event type) is one
 *   of theirs and no `to` is set, or `to` names them (how a dead letter is replayed to one
 *   subscription);
 * - session receivers on `<topic>/Subscriptions/<sub>` (`com.microsoft:session-filter`): the next
 *   unlocked session with messages, waiting for one up to the link's `com.microsoft:timeout`
 *   (then `com.microsoft:timeout`, as the service does); a session's messages in order, one
 *   session per link; the session lock expires unless renewed (`renew-session-lock`), and then
 *   the link is detached with `com.microsoft:session-lock-lost`;
 * - plain receivers on `<topic>/Subscriptions/<sub>/$DeadLetterQueue` with per-message locks;
 * - deliveries tagged with lock-token GUIDs in .NET byte order, with `x-opt-sequence-number`,
 *   `x-opt-enqueued-time`, `x-opt-locked-until` and the header's delivery count (failed
 *   deliveries so far, as on the wire); drain answered;
 * - settlement: complete, abandon (delivery count + 1, dead-lettered with
 *   `MaxDeliveryCountExceeded` at the limit), dead-letter (reason, description and the modified
 *   properties become application properties), lock lost when the lock is gone; a receiver that
 *   goes away releases what it held, counting it as a failed delivery;
 * - `$management`: peek-message and renew-session-lock;
 * - a transfer over the entity's size limit refused with `amqp:link:message-size-exceeded` (the
 *   SDK's `MessageSizeExceeded`), as the service does;
 * - a link to an entity that does not exist (or to its `$management`) refused with `amqp:not-found`
 *   and Azure's "The messaging entity '...' could not be found" (the SDK's `MessagingEntityNotFound`).
 * Faults a test can ask for: accepts refused (server busy, a forced detach), a message sent on a
 * link that then closes (a drain the broker never answers: the SDK closes the link itself and
 * still returns the message), transfers settled late (to see sends overlap).
 * Not implemented, as the adapter does not use them: defer (treated as abandon), scheduling, message
 * lock renewal, session state.
 */
export interface FakeServiceBusOptions {
  readonly topic: string
  readonly subscriptions: ReadonlyArray<{ readonly name: string; readonly eventTypes: ReadonlyArray<string> }>
  readonly maxDeliveryCount: number
  /** Session and message lock duration. */
  readonly lockDurationMs?: number
  /** The largest transfer the topic takes (a batch counts whole); 256 KB, Standard tier's, by default. */
  readonly maxMessageSizeBytes?: number
  /** The `max_message_size` announced on the topic's links; the enforced limit by default. */
  readonly advertisedMaxMessageSizeBytes?: number
  /** How long the topic takes to settle a transfer: a round trip's latency. */
  readonly sendLatencyMs?: number
  /** A fixed port, to restart a namespace where its clients expect it; ephemeral by default. */
  readonly port?: number
}

export interface FakeServiceBus {
  readonly port: number
  readonly connectionString: string
  /** Messages the topic accepted (after duplicate detection). */
  readonly accepted: () => number
  /** Messages waiting in the subscriptions (dead letters not counted), locked or not. */
  readonly pending: () => number
  /** Transfers (single messages or batches) the topic received, refused ones included. */
  readonly transfers: () => number
  /** The most transfers the topic held unsettled at one time. */
  readonly maxConcurrentTransfers: () => number
  /** Refuses the next `count` session accepts with `condition`, the ones waiting now first. */
  readonly failAccepts: (count: number, condition: "com.microsoft:server-busy" | "amqp:link:detach-forced") => void
  /**
   * Holds the session's messages back until its receiver drains, then sends one and never
   * answers the drain: the SDK gives up on the drain, closes the link and returns the message.
   */
  readonly sendOnDrainAndHang: (sessionId: string) => void
  readonly close: () => Promise<void>
}

const sessionFilter = "com.microsoft:session-filter"
const batchFormat = 0x80013700
const ticksAtEpoch = 621355968000000000n

interface Stored {
  readonly sequenceNumber: number
  readonly message: Record<string, unknown>
  readonly messageId: string
  readonly sessionId: string | undefined
  readonly enqueuedAt: number
  deliveryCount: number
  lock: { readonly token: string; readonly outlet: Outlet; until: number; timer?: NodeJS.Timeout } | undefined
}

interface Queue {
  readonly path: string
  readonly sessions: boolean
  readonly maxDeliveryCount: number
  readonly messages: Array<Stored>
  readonly deadLetters: Queue | undefined
  readonly sessionLocks: Map<string, SessionLock>
  readonly waiting: Array<Outlet>
}

interface SessionLock {
  readonly outlet: Outlet
  until: number
  timer: NodeJS.Timeout
}

/** A link on which the broker sends a queue's messages (the client's receiver). */
interface Outlet {
  readonly sender: Sender
  readonly queue: Queue
  sessionId: string | undefined
  waitTimer: NodeJS.Timeout | undefined
  draining: boolean
  readonly unsettled: Map<Delivery, Stored>
  /** Deliveries handed to rhea on this link; rhea transfers them only as the client gives credit. */
  sent: number
}

/** rhea's typings leave out the local half of a link, which the fake needs to hold an attach until a session is free and to fill attach fields. */
interface LocalLinkFields {
  readonly local: { readonly attach: { properties?: unknown } }
  readonly state: { local_open: boolean; open_requests: number }
}
const hasLocalFields = (link: unknown): link is LocalLinkFields =>
  typeof link === "object" && link !== null && "local" in link && "state" in link &&
  typeof link.local === "object" && link.local !== null && "attach" in link.local &&
  typeof link.state === "object" && link.state !== null && "open_requests" in link.state

/** rhea's messages are loosely typed maps and its frames carry their fields as prototype getters: read one field of either. */
const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null ? Reflect.get(value, name) : undefined

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Buffer.isBuffer(value) ? { ...value } : {}

/** rhea's typings leave out its outcome constructors: a described Accepted, or a Rejected carrying an error. */
const describedOutcome = (name: "accepted" | "rejected", fields: Record<string, unknown> = {}): unknown => {
  const make: unknown = Reflect.get(rhea.message, name)
  if (typeof make !== "function") return undefined
  const made: unknown = Reflect.apply(make, rhea.message, [fields])
  const described = field(made, "described")
  return typeof described === "function" ? Reflect.apply(described, made, []) : undefined
}
const lockLost = () =>
  describedOutcome("rejected", { error: { condition: "com.microsoft:message-lock-lost", description: "The lock on the message was lost." } })

const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

const numberField = (value: unknown, name: string) => {
  const found = field(value, name)
  return typeof found === "number" ? found : 0
}

/**
 * Whether the client's credit allows one more message. rhea queues what it is given and transfers
 * it as credit comes; a message queued is not yet delivered, so it must not be locked (and counted
 * as a failed delivery when the link closes) before the client asked for it, as the service does not.
 */
const hasCreditFor = (outlet: Outlet) => {
  const queued = outlet.sent - numberField(outlet.sender, "delivery_count")
  return outlet.sender.sendable() && numberField(outlet.sender, "credit") > queued
}

/** A .NET GUID's bytes: the first three groups little-endian. */
const dotNetGuidBytes = (uuid: string) => {
  const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex")
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8)
  ])
}

const ticks = (ms: number) => {
  const buffer = Buffer.alloc(8)
  buffer.writeBigInt64BE(BigInt(ms) * 10000n + ticksAtEpoch)
  return rhea.types.wrap_long(buffer)
}

const longValue = (value: unknown): number =>
  typeof value === "number" ? value : Buffer.isBuffer(value) && value.length === 8 ? Number(value.readBigInt64BE()) : 0

export const startFakeServiceBus = async (options: FakeServiceBusOptions): Promise<FakeServiceBus> => {
  const lockDurationMs = options.lockDurationMs ?? 30_000
  const maxMessageSize = options.maxMessageSizeBytes ?? 262_144
  const sendLatencyMs = options.sendLatencyMs ?? 0
  let acceptFailures: { count: number; condition: string } = { count: 0, condition: "" }
  const hangOnDrain = new Set<string>()
  let transfers = 0
  let unsettledTransfers = 0
  let maxConcurrentTransfers = 0
  const seenIds = new Set<string>()
  let sequence = 0
  let accepted = 0
  let listeningPort = 0

  /**
   * What Azure answers a link to an entity that does not exist: `amqp:not-found` with this
   * description, which the SDK reports as `MessagingEntityNotFound`.
   */
  const entityNotFound = (path: string) => ({
    condition: "amqp:not-found",
    description: `The messaging entity 'sb://localhost:${listeningPort}/${path}' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.`
  })

  const makeQueue = (path: string, sessions: boolean, maxDeliveryCount: number, deadLetters?: Queue): Queue => ({
    path,
    sessions,
    maxDeliveryCount,
    messages: [],
    deadLetters,
    sessionLocks: new Map(),
    waiting: []
  })
  const subscriptions = options.subscriptions.map((subscription) => {
    const path = `${options.topic}/Subscriptions/${subscription.name}`
    const deadLetters = makeQueue(`${path}/$DeadLetterQueue`, false, Number.POSITIVE_INFINITY)
    return { ...subscription, queue: makeQueue(path, true, options.maxDeliveryCount, deadLetters) }
  })
  const queues = new Map<string, Queue>()
  for (const { queue } of subscriptions) {
    queues.set(queue.path.toLowerCase(), queue)
    if (queue.deadLetters) queues.set(queue.deadLetters.path.toLowerCase(), queue.deadLetters)
  }
  const outlets = new Map<Sender, Outlet>()

  const enqueue = (queue: Queue, message: Record<string, unknown>, messageId: string, sessionId: string | undefined, deliveryCount = 0) => {
    sequence += 1
    queue.messages.push({ sequenceNumber: sequence, message, messageId, sessionId, enqueuedAt: Date.now(), deliveryCount, lock: undefined })
    wake(queue)
  }

  const deadLetter = (queue: Queue, stored: Stored, properties: Record<string, unknown>) => {
    remove(queue, stored)
    if (!queue.deadLetters) return
    const message = {
      ...stored.message,
      application_properties: { ...record(stored.message.application_properties), ...properties }
    }
    enqueue(queue.deadLetters, message, stored.messageId, stored.sessionId, stored.deliveryCount)
  }

  const remove = (queue: Queue, stored: Stored) => {
    const index = queue.messages.indexOf(stored)
    if (index >= 0) queue.messages.splice(index, 1)
    unlock(stored)
  }

  const unlock = (stored: Stored) => {
    if (stored.lock?.timer) clearTimeout(stored.lock.timer)
    stored.lock = undefined
  }

  /** A delivery that ended without settlement: one more failed attempt. */
  const release = (queue: Queue, stored: Stored) => {
    unlock(stored)
    stored.deliveryCount += 1
    if (stored.deliveryCount >= queue.maxDeliveryCount) {
      deadLetter(queue, stored, {
        DeadLetterReason: "MaxDeliveryCountExceeded",
        DeadLetterErrorDescription: `Message could not be consumed after ${queue.maxDeliveryCount} delivery attempts.`
      })
    }
  }

  const wake = (queue: Queue) => {
    if (queue.sessions) assignSessions(queue)
    for (const outlet of outlets.values()) if (outlet.queue === queue) pump(outlet)
  }

  const assignSessions = (queue: Queue) => {
    while (queue.waiting.length > 0) {
      const free = queue.messages.find(
        (m) => m.lock === undefined && m.sessionId !== undefined && !queue.sessionLocks.has(m.sessionId)
      )
      if (!free?.sessionId) return
      const outlet = queue.waiting.shift()!
      if (outlet.waitTimer) clearTimeout(outlet.waitTimer)
      lockSession(outlet, free.sessionId)
      answerAttach(outlet, free.sessionId)
    }
  }

  const lockSession = (outlet: Outlet, sessionId: string) => {
    outlet.sessionId = sessionId
    const lock: SessionLock = { outlet, until: Date.now() + lockDurationMs, timer: setTimeout(() => sessionLockLost(outlet), lockDurationMs) }
    outlet.queue.sessionLocks.set(sessionId, lock)
  }

  const sessionLockLost = (outlet: Outlet) => {
    releaseOutlet(outlet)
    outlet.sender.close({ condition: "com.microsoft:session-lock-lost", description: "The session lock has expired." })
  }

  /** Sends the held attach: with the session it got, or with none and an error (a timeout unless told) right after. */
  const answerAttach = (
    outlet: Outlet,
    sessionId: string | undefined,
    error = { condition: "com.microsoft:timeout", description: "No session was available within the timeout." }
  ) => {
    const sender = outlet.sender
    sender.set_source({ address: outlet.queue.path, filter: sessionId === undefined ? {} : { [sessionFilter]: sessionId } })
    if (hasLocalFields(sender)) {
      const lock = sessionId === undefined ? undefined : outlet.queue.sessionLocks.get(sessionId)
      sender.local.attach.properties = lock ? { "com.microsoft:locked-until-utc": ticks(lock.until) } : {}
    }
    sender.open()
    if (sessionId === undefined) {
      sender.close(error)
    } else {
      pump(outlet)
    }
  }

  const releaseOutlet = (outlet: Outlet) => {
    if (outlet.waitTimer) clearTimeout(outlet.waitTimer)
    const waitingIndex = outlet.queue.waiting.indexOf(outlet)
    if (waitingIndex >= 0) outlet.queue.waiting.splice(waitingIndex, 1)
    for (const stored of outlet.unsettled.values()) release(outlet.queue, stored)
    outlet.unsettled.clear()
    if (outlet.sessionId !== undefined) {
      const lock = outlet.queue.sessionLocks.get(outlet.sessionId)
      if (lock?.outlet === outlet) {
        clearTimeout(lock.timer)
        outlet.queue.sessionLocks.delete(outlet.sessionId)
      }
    }
    outlets.delete(outlet.sender)
    wake(outlet.queue)
  }

  const pump = (outlet: Outlet) => {
    const { sender, queue } = outlet
    if (!outlets.has(sender) || (queue.sessions && outlet.sessionId === undefined)) return
    const hanging = outlet.sessionId !== undefined && hangOnDrain.has(outlet.sessionId)
    if (hanging && !outlet.draining) return
    while (hasCreditFor(outlet)) {
      const next = queue.messages.find(
        (m) => m.lock === undefined && (!queue.sessions || m.sessionId === outlet.sessionId)
      )
      if (!next) break
      const token = randomUUID()
      const until = queue.sessions ? (queue.sessionLocks.get(outlet.sessionId!)?.until ?? Date.now()) : Date.now() + lockDurationMs
      next.lock = { token, outlet, until }
      if (!queue.sessions) {
        next.lock.timer = setTimeout(() => {
          outlet.unsettled.forEach((stored, delivery) => {
            if (stored === next) outlet.unsettled.delete(delivery)
          })
          release(queue, next)
          wake(queue)
        }, lockDurationMs)
      }
      const delivery = sender.send(
        rhea.message.encode({
          ...next.message,
          delivery_count: next.deliveryCount,
          message_annotations: {
            ...record(next.message.message_annotations),
            "x-opt-sequence-number": rhea.types.wrap_long(next.sequenceNumber),
            "x-opt-enqueued-time": rhea.types.wrap_timestamp(next.enqueuedAt),
            "x-opt-locked-until": rhea.types.wrap_timestamp(until)
          }
        }),
        dotNetGuidBytes(token),
        0
      )
      outlet.unsettled.set(delivery, next)
      outlet.sent += 1
      if (hanging) {
        hangOnDrain.delete(outlet.sessionId!)
        outlet.draining = false
        return
      }
    }
    if (outlet.draining && hasCreditFor(outlet)) {
      outlet.draining = false
      sender.set_drained(true)
    }
  }

  /** The client settled a delivery; answer with a settled disposition, with an error if its lock is gone. */
  const settle = (context: EventContext, outcome: "complete" | "abandon" | "deadLetter") => {
    const delivery = context.delivery
    const outlet = context.sender ? outlets.get(context.sender) : undefined
    if (!delivery) return
    const stored = outlet?.unsettled.get(delivery)
    if (!outlet || !stored || stored.lock?.outlet !== outlet) {
      delivery.update(true, lockLost())
      return
    }
    outlet.unsettled.delete(delivery)
    const queue = outlet.queue
    if (outcome === "complete") {
      remove(queue, stored)
    } else if (outcome === "deadLetter") {
      deadLetter(queue, stored, record(field(field(delivery.remote_state, "error"), "info")))
    } else {
      release(queue, stored)
    }
    // Confirmed as accepted whatever the client asked: an echoed Rejected would read as an error.
    delivery.update(true, describedOutcome("accepted"))
    wake(queue)
  }

  const reply = (context: EventContext, request: Record<string, unknown>, status: number, body?: unknown, cbs = false) => {
    const replyTo = asString(request.reply_to)
    const connection = context.connection
    const target = [...connectionSenders(connection)].find(
      (sender) => sender.name === replyTo || asString(field(sender.target, "address")) === replyTo
    )
    const statusProperties = cbs
      ? { "status-code": status, "status-description": status < 300 ? "Accepted" : "Failed" }
      : { statusCode: status, statusDescription: status < 300 ? "OK" : "Failed" }
    target?.send(rhea.message.encode({ correlation_id: request.message_id, application_properties: statusProperties, body }), undefined, 0)
  }

  const responseLinks = new Map<Connection, Set<Sender>>()
  const connectionSenders = (connection: Connection) => responseLinks.get(connection) ?? new Set<Sender>()

  const management = (context: EventContext, entity: string, request: Record<string, unknown>) => {
    const queue = queues.get(entity.toLowerCase())
    const operation = asString(record(request.application_properties).operation)
    const body = record(request.body)
    if (!queue) return reply(context, request, 404)
    switch (operation) {
      case "com.microsoft:peek-message": {
        const from = longValue(body["from-sequence-number"])
        const count = typeof body["message-count"] === "number" ? body["message-count"] : 1
        const found = queue.messages.filter((m) => m.sequenceNumber >= from).slice(0, count)
        if (found.length === 0) return reply(context, request, 204)
        const messages = found.map((m) => ({
          message: rhea.message.encode({
            ...m.message,
            delivery_count: m.deliveryCount,
            message_annotations: {
              ...record(m.message.message_annotations),
              "x-opt-sequence-number": rhea.types.wrap_long(m.sequenceNumber),
              "x-opt-enqueued-time": rhea.types.wrap_timestamp(m.enqueuedAt)
            }
          })
        }))
        return reply(context, request, 200, { messages })
      }
      case "com.microsoft:renew-session-lock": {
        const lock = queue.sessionLocks.get(asString(body["session-id"]) ?? "")
        if (!lock) return reply(context, request, 410)
        clearTimeout(lock.timer)
        lock.until = Date.now() + lockDurationMs
        lock.timer = setTimeout(() => sessionLockLost(lock.outlet), lockDurationMs)
        return reply(context, request, 200, { expiration: new Date(lock.until) })
      }
      default:
        return reply(context, request, 501)
    }
  }

  /** The messages a client sent to the topic: one, or each data section of a batch. */
  const received = (context: EventContext): ReadonlyArray<Record<string, unknown>> => {
    const raw: unknown = context.message
    if (!Buffer.isBuffer(raw)) return raw === undefined ? [] : [record(raw)]
    if (context.delivery?.format !== batchFormat) return [record(rhea.message.decode(raw))]
    const content = field(rhea.message.decode(raw).body, "content")
    const sections = Array.isArray(content) ? content : [content]
    return sections.filter(Buffer.isBuffer).map((section) => record(rhea.message.decode(section)))
  }

  const publish = (message: Record<string, unknown>) => {
    const messageId = asString(message.message_id)
    if (messageId === undefined || seenIds.has(messageId)) return
    seenIds.add(messageId)
    accepted += 1
    const subject = asString(message.subject)
    const to = asString(message.to)
    for (const subscription of subscriptions) {
      const wanted = to === undefined ? subject !== undefined && subscription.eventTypes.includes(subject) : to === subscription.name
      if (wanted) enqueue(subscription.queue, message, messageId, asString(message.group_id))
    }
  }

  /** The size of a transfer as the service measures it: the whole batch, or the one message. */
  const transferSize = (context: EventContext) => {
    const raw: unknown = context.message
    if (Buffer.isBuffer(raw)) return raw.length
    return raw === undefined ? 0 : rhea.message.encode(record(raw)).length
  }

  const receivedOnTopic = (context: EventContext) => {
    transfers += 1
    const delivery = context.delivery
    const size = transferSize(context)
    if (size > maxMessageSize) {
      delivery?.reject({
        condition: "amqp:link:message-size-exceeded",
        description: `The received message (size: ${size} bytes) exceeds the limit (${maxMessageSize} bytes) currently allowed on the link.`
      })
      return
    }
    const messages = received(context)
    unsettledTransfers += 1
    maxConcurrentTransfers = Math.max(maxConcurrentTransfers, unsettledTransfers)
    const settle = () => {
      unsettledTransfers -= 1
      for (const each of messages) publish(each)
      delivery?.accept()
    }
    if (sendLatencyMs > 0) setTimeout(settle, sendLatencyMs)
    else settle()
  }

  const container = rhea.create_container({ id: "fake-service-bus" })

  /** The topic, a subscription or its dead-letter queue, or `$management` of one of them. */
  const exists = (address: string) => {
    const entity = (address.endsWith("/$management") ? address.slice(0, -"/$management".length) : address).toLowerCase()
    return entity === options.topic.toLowerCase() || queues.has(entity)
  }

  container.on("receiver_open", (context: EventContext) => {
    const address = asString(field(context.receiver?.target, "address")) ?? ""
    if (address !== "$cbs" && !exists(address)) context.receiver?.close(entityNotFound(address))
  })

  container.on("message", (context: EventContext) => {
    const address = asString(field(context.receiver?.target, "address")) ?? ""
    const message = context.message === undefined ? undefined : record(context.message)
    if (address === "$cbs" && message) {
      reply(context, message, 202, undefined, true)
    } else if (address.endsWith("/$management") && message) {
      management(context, address.slice(0, -"/$management".length), message)
    } else {
      return receivedOnTopic(context)
    }
    context.delivery?.accept()
  })

  container.on("sender_open", (context: EventContext) => {
    const sender = context.sender
    if (!sender) return
    const source: unknown = sender.source
    const address = asString(field(source, "address")) ?? ""
    if (address.endsWith("/$management") && !exists(address)) {
      sender.close(entityNotFound(address))
      return
    }
    if (address === "$cbs" || address.endsWith("/$management")) {
      const set = responseLinks.get(context.connection) ?? new Set<Sender>()
      set.add(sender)
      responseLinks.set(context.connection, set)
      return
    }
    const queue = queues.get(address.toLowerCase())
    if (!queue) {
      sender.close(entityNotFound(address))
      return
    }
    const outlet: Outlet = { sender, queue, sessionId: undefined, waitTimer: undefined, draining: false, unsettled: new Map(), sent: 0 }
    outlets.set(sender, outlet)
    const filter = record(field(source, "filter"))
    if (!queue.sessions) return
    if (!(sessionFilter in filter)) {
      outlets.delete(sender)
      sender.close({ condition: "amqp:not-allowed", description: "The subscription requires sessions." })
      return
    }
    if (acceptFailures.count > 0) {
      acceptFailures.count -= 1
      outlets.delete(sender)
      return answerAttach(outlet, undefined, { condition: acceptFailures.condition, description: "Injected by the test." })
    }
    const requested = asString(filter[sessionFilter])
    if (requested !== undefined) {
      if (queue.sessionLocks.has(requested)) {
        outlets.delete(sender)
        return answerAttach(outlet, undefined)
      }
      lockSession(outlet, requested)
      return answerAttach(outlet, requested)
    }
    // Hold the attach (rhea opened it already) until a session is free, as the service long-polls.
    if (hasLocalFields(sender)) {
      sender.state.local_open = false
      sender.state.open_requests = 0
    }
    const timeout = field(sender.properties, "com.microsoft:timeout")
    outlet.waitTimer = setTimeout(
      () => {
        const index = queue.waiting.indexOf(outlet)
        if (index >= 0) queue.waiting.splice(index, 1)
        outlets.delete(sender)
        answerAttach(outlet, undefined)
      },
      typeof timeout === "number" ? timeout : 60_000
    )
    queue.waiting.push(outlet)
    assignSessions(queue)
  })

  const pumpContext = (context: EventContext) => {
    const outlet = context.sender ? outlets.get(context.sender) : undefined
    if (outlet) pump(outlet)
  }
  container.on("sendable", pumpContext)
  container.on("sender_flow", pumpContext)
  container.on("sender_draining", (context: EventContext) => {
    const outlet = context.sender ? outlets.get(context.sender) : undefined
    if (!outlet) return
    outlet.draining = true
    pump(outlet)
  })
  container.on("accepted", (context: EventContext) => settle(context, "complete"))
  container.on("rejected", (context: EventContext) => settle(context, "deadLetter"))
  container.on("released", (context: EventContext) => settle(context, "abandon"))
  container.on("modified", (context: EventContext) => settle(context, "abandon"))
  const senderGone = (context: EventContext) => {
    const outlet = context.sender ? outlets.get(context.sender) : undefined
    if (outlet) releaseOutlet(outlet)
  }
  container.on("sender_close", senderGone)
  container.on("sender_error", senderGone)
  const connectionGone = (context: EventContext) => {
    for (const outlet of [...outlets.values()]) {
      if (outlet.sender.connection === context.connection) releaseOutlet(outlet)
    }
    responseLinks.delete(context.connection)
  }
  container.on("connection_close", connectionGone)
  container.on("disconnected", connectionGone)
  // A client that goes away mid-link is not the fake's failure.
  container.on("error", () => undefined)

  // Modified outcomes (abandon, defer) are settled here, not turned into releases by rhea (an option its typings omit).
  const senderOptions = { autosettle: true, treat_modified_as_released: false }
  const server: Server = container.listen({
    port: options.port ?? 0,
    host: "127.0.0.1",
    receiver_options: { max_message_size: options.advertisedMaxMessageSizeBytes ?? maxMessageSize, autoaccept: false },
    sender_options: senderOptions
  })
  const sockets = new Set<Socket>()
  server.on("connection", (socket: Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve())
    server.once("error", reject)
  })
  const addressInfo = server.address()
  const port = typeof addressInfo === "object" && addressInfo !== null ? addressInfo.port : 0
  listeningPort = port

  return {
    port,
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    accepted: () => accepted,
    pending: () => subscriptions.reduce((sum, subscription) => sum + subscription.queue.messages.length, 0),
    transfers: () => transfers,
    maxConcurrentTransfers: () => maxConcurrentTransfers,
    failAccepts: (count, condition) => {
      acceptFailures = { count, condition }
      for (const { queue } of subscriptions) {
        while (acceptFailures.count > 0 && queue.waiting.length > 0) {
          const outlet = queue.waiting.shift()!
          if (outlet.waitTimer) clearTimeout(outlet.waitTimer)
          outlets.delete(outlet.sender)
          acceptFailures.count -= 1
          answerAttach(outlet, undefined, { condition, description: "Injected by the test." })
        }
      }
    },
    sendOnDrainAndHang: (sessionId) => {
      hangOnDrain.add(sessionId)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const outlet of [...outlets.values()]) releaseOutlet(outlet)
        for (const queue of queues.values()) {
          for (const lock of queue.sessionLocks.values()) clearTimeout(lock.timer)
          queue.messages.forEach(unlock)
        }
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
  }
}
