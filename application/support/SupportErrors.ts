import { Schema } from "effect"

/** No attention item has that reference. */
export class AttentionItemNotFound extends Schema.TaggedError<AttentionItemNotFound>()("AttentionItemNotFound", {
  number: Schema.Int
}) {
  override get message(): string {
    return `No attention item #${this.number}`
  }
}

/** The item is closed already: closing it again would overwrite how it was resolved. */
export class AttentionItemClosed extends Schema.TaggedError<AttentionItemClosed>()("AttentionItemClosed", {
  number: Schema.Int
}) {
  override get message(): string {
    return `Attention item #${this.number} is already closed`
  }
}

/** A reply needs a person: the item concerns nobody (an outage), or the person was erased since. */
export class NobodyToAnswer extends Schema.TaggedError<NobodyToAnswer>()("NobodyToAnswer", {
  number: Schema.Int,
  why: Schema.String
}) {
  override get message(): string {
    return `Attention item #${this.number} cannot be answered: ${this.why}`
  }
}

/** A reply WhatsApp would refuse: empty, or longer than a text message may be. */
export class ReplyRefused extends Schema.TaggedError<ReplyRefused>()("ReplyRefused", { why: Schema.String }) {
  override get message(): string {
    return `The reply was not sent: ${this.why}`
  }
}
