import { describe, expect, it } from "@effect/vitest"
import type { Conversation } from "../../domain/conversation/Conversation.js"
import { newConversation, withoutPhotos } from "../../domain/conversation/Conversation.js"
import { decide, defaultPhotoLimit } from "../../domain/conversation/decide.js"
import { Input } from "../../domain/conversation/Input.js"
import { english } from "../../domain/catalogue/english.js"
import { hebrew } from "../../domain/catalogue/hebrew.js"
import { WhatsAppMessageId } from "../../domain/ids.js"
import { contextWith, ofTag, sentTexts } from "./fixtures.js"

const withLimit = (photoLimit: number | undefined) => {
  const context = contextWith()
  return { ...context, settings: { ...context.settings, ...(photoLimit === undefined ? {} : { photoLimit }) } }
}

/** Sends `count` photos in a row; answers the conversation and every command decided. */
const sendPhotos = (context: ReturnType<typeof withLimit>, start: Conversation, count: number) => {
  let conversation = start
  const commands = []
  for (let n = 0; n < count; n++) {
    const decided = decide(context, conversation, Input.PhotoReceived({ messageId: WhatsAppMessageId.make(`wamid.photo-${n}`) }))
    conversation = decided.conversation
    commands.push(...decided.commands)
  }
  return { conversation, commands }
}

describe("the cap on photos checked per collection", () => {
  it("checks photos up to the cap, then says once, kindly, that there are plenty, and checks no more", () => {
    const { conversation, commands } = sendPhotos(withLimit(12), { ...newConversation(), welcomed: true, photoConsent: true }, 20)
    expect(ofTag(commands, "ProcessPhoto")).toHaveLength(12)
    expect(sentTexts(commands).filter((text) => text === english.photoLimitReached)).toHaveLength(1)
    expect(conversation.photosChecked).toBe(12)
  })

  it("says it in the person's language", () => {
    const { commands } = sendPhotos(withLimit(1), { ...newConversation("he"), welcomed: true, photoConsent: true }, 3)
    expect(sentTexts(commands)).toContain(hebrew.photoLimitReached)
  })

  it("starts over with a new collection of photos", () => {
    const full = sendPhotos(withLimit(2), { ...newConversation(), welcomed: true, photoConsent: true }, 3).conversation
    const { commands } = sendPhotos(withLimit(2), withoutPhotos(full), 2)
    expect(ofTag(commands, "ProcessPhoto")).toHaveLength(2)
  })

  it("uses the default cap when the settings name none", () => {
    const { commands } = sendPhotos(withLimit(undefined), { ...newConversation(), welcomed: true, photoConsent: true }, defaultPhotoLimit + 5)
    expect(ofTag(commands, "ProcessPhoto")).toHaveLength(defaultPhotoLimit)
  })
})
