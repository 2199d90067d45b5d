import type { OutgoingMessage } from "../messages/OutgoingMessage.js"
import { Command } from "./Command.js"
import type { Conversation } from "./Conversation.js"

/** The decider's answer: the next state, and what to do about it. */
export interface Decision {
  readonly conversation: Conversation
  readonly commands: ReadonlyArray<Command>
}

export const decision = (conversation: Conversation, commands: ReadonlyArray<Command> = []): Decision => ({
  conversation,
  commands
})

export const send = (...messages: ReadonlyArray<OutgoingMessage>): ReadonlyArray<Command> =>
  messages.map((message) => Command.Send({ message }))
