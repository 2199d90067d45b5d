/**
 * Meta's webhook with one `messages` change for our test number, carrying `value`'s elements
 * (contacts, messages, statuses), as an object (to be serialized as the test needs).
 */
export const messagesWebhook = <V extends object>(value: V) => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: "WABA",
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
            ...value
          }
        }
      ]
    }
  ]
})

/** Meta's webhook for one text message from `waId`, as an object (to be serialized as the test needs). */
export const textMessageWebhook = (messageId: string, text: string, waId = "16505551234") =>
  messagesWebhook({
    contacts: [{ profile: { name: "Zoë" }, wa_id: waId }],
    messages: [{ from: waId, id: messageId, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }]
  })
