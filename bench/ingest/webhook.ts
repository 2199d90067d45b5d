import { createHmac } from "node:crypto"

/** The app secret both servers check: the standalone bot's, over its in-process fake Graph API. */
export const appSecret = "fake-app-secret"

export const signatureOf = (body: string): string => `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`

/** The number of the bench's `sender`-th person. */
export const senderNumber = (sender: number): string => `4915550${String(sender).padStart(6, "0")}`

/** The prefix of every message id the bench sends, so that its rows can be told from others. */
export const benchMessageIdPrefix = "wamid.bench."

/**
 * Meta's webhook envelope around one message from `waId` to the number `numberId`, as the Cloud API
 * sends it, serialized: the one shape both benches sign.
 */
export const webhookBody = (numberId: string, waId: string, profileName: string, message: Record<string, unknown>): string =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: numberId },
              contacts: [{ profile: { name: profileName }, wa_id: waId }],
              messages: [{ from: waId, timestamp: String(Math.floor(Date.now() / 1000)), ...message }]
            }
          }
        ]
      }
    ]
  })

/**
 * Meta's webhook for one text message from one of `senders` people, with its own message id, as
 * the Cloud API sends it: the raw JSON and its `X-Hub-Signature-256`.
 */
export const signedWebhook = (run: string, sequence: number, senders: number) => {
  const sender = sequence % senders
  const waId = senderNumber(sender)
  const body = webhookBody("106540352242922", waId, `Bench ${sender}`, {
    id: `${benchMessageIdPrefix}${run}.${sequence}`,
    type: "text",
    text: { body: "Hello, I would like some headshots" }
  })
  return { body, signature: signatureOf(body) }
}
