import { Schema } from "effect"

/** The operator named a user that does not exist (or was erased). */
export class UserNotFound extends Schema.TaggedError<UserNotFound>()("UserNotFound", { userId: Schema.String }) {
  override get message(): string {
    return `No user with id ${this.userId}`
  }
}

/** A destructive command ran without `--yes`: it says what it would do, and does nothing. */
export class ConfirmationRequired extends Schema.TaggedError<ConfirmationRequired>()("ConfirmationRequired", {
  action: Schema.String
}) {
  override get message(): string {
    return `Nothing was changed. To ${this.action}, run the command again with --yes`
  }
}

/**
 * An environment without a broker the command line can reach (an embedding over the in-memory
 * broker): its dead letters live inside the process that runs it. The bot's own wiring always has
 * one (the Postgres broker, or Service Bus).
 */
export class NoSharedBroker extends Schema.TaggedError<NoSharedBroker>()("NoSharedBroker", {}) {
  override get message(): string {
    return (
      "No shared event broker is configured: the bot runs the in-memory broker, whose dead letters live in the " +
      "running bot process and are lost when it stops; this command cannot reach them from outside. " +
      "Look for 'dead-lettered' lines in the bot's logs."
    )
  }
}

/**
 * Payments in this configuration are the development fake, which lives inside the running bot:
 * there is no provider for the command line to ask.
 */
export class NoPaymentProvider extends Schema.TaggedError<NoPaymentProvider>()("NoPaymentProvider", {}) {
  override get message(): string {
    return "No real payment provider is configured (PAYMENT_PROVIDER): the development checkout takes no refunds"
  }
}

export class DeadLetterNotFound extends Schema.TaggedError<DeadLetterNotFound>()("DeadLetterNotFound", {
  subscription: Schema.String,
  messageId: Schema.String
}) {
  override get message(): string {
    return `No dead letter ${this.messageId} in subscription ${this.subscription}`
  }
}

/** A group (`users`, `orders`...) was run without one of its commands. */
export class CommandRequired extends Schema.TaggedError<CommandRequired>()("CommandRequired", {
  /** The command line so far, e.g. `whatsapp-astria-bot users`. */
  usage: Schema.String,
  choices: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `Choose a command: ${this.choices.join(", ")}. See: ${this.usage} --help`
  }
}
