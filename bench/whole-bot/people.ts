import { signatureOf, webhookBody } from "../ingest/webhook.js"

/** The number id the bot is given (WHATSAPP_NUMBER_ID): webhooks for any other number are dropped. */
export const numberId = "106540352242922"

/** The bench's `index`-th new person of a phase: a wa_id no one has written from before. */
export const personNumber = (index: number): string => `4917${String(index).padStart(9, "0")}`

/** What a person writes: a text, or a tap on a list row or a button the bot offered. */
export type Said =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "list_reply" | "button_reply"; readonly id: string }

/** Meta's webhook for one message from `waId`, with its own message id; the raw JSON and its `X-Hub-Signature-256`. */
export const signedMessage = (waId: string, messageId: string, said: Said) => {
  const content =
    said.type === "text"
      ? { type: "text", text: { body: said.text } }
      : {
          type: "interactive",
          interactive: { type: said.type, [said.type]: { id: said.id, title: said.id.slice(0, 20) } }
        }
  const body = webhookBody(numberId, waId, `Bench ${waId.slice(-4)}`, { id: messageId, ...content })
  return { body, headers: { "content-type": "application/json", "x-hub-signature-256": signatureOf(body) } }
}
