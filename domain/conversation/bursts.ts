import { phrasesFor } from "../catalogue/Catalogue.js"
import type { Language } from "../catalogue/Language.js"
import { textMessage } from "../catalogue/messages.js"
import type { OutgoingMessage } from "../messages/OutgoingMessage.js"
import { Command } from "./Command.js"
import type { Input } from "./Input.js"

/**
 * How the bot answers a burst of one person's messages, as a person would: texts that arrive
 * while an answer to them is still on its way are taken together (the answer is not repeated),
 * and someone writing faster than the bot may answer them is told once to slow down instead of
 * being answered text by text. Each message is still decided (a language asked for, a deletion
 * asked for, feedback are all taken), only the replies are held back. Button and list replies and
 * photos are never held back: each is a choice or a photo to check and count.
 */
export interface Burst {
  /** More free texts from the person within the flood window than the settings allow. */
  readonly overRate: boolean
  /**
   * The message is already on its way to the person: queued and not yet sent, or queued since
   * the message being decided arrived (its answer was pending when it came) or just before it
   * (the person typed before they could read it).
   */
  readonly onItsWay: (message: OutgoingMessage) => boolean
  /** The person was told to slow down within the flood window. */
  readonly toldToSlowDown: boolean
}

/** Free text, and messages the bot cannot read: the inputs whose answers a burst takes together. */
export const takenTogether = (input: Input): boolean =>
  input._tag === "TextReceived" || input._tag === "UnsupportedReceived"

export const slowDownMessage = (language: Language): OutgoingMessage => textMessage(phrasesFor(language).slowDown)

/**
 * The commands of a decision on one of a burst's texts: every command but the replies as decided;
 * a reply already on its way is left out; over the rate, no reply but the notice to slow down,
 * once. Past the notice, the texts are not marked read either: a read receipt is a call to Meta
 * per message, and the person's next text at an ordinary rate marks everything before it read.
 */
export const answerInBurst = (
  burst: Burst,
  language: Language,
  commands: ReadonlyArray<Command>
): ReadonlyArray<Command> => {
  if (!burst.overRate) {
    return commands.filter((command) => command._tag !== "Send" || !burst.onItsWay(command.message))
  }
  const rest = commands.filter((command) => command._tag !== "Send")
  return burst.toldToSlowDown
    ? rest.filter((command) => command._tag !== "MarkReadAndTyping")
    : [...rest, Command.Send({ message: slowDownMessage(language) })]
}
