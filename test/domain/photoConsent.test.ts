import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  Conversation,
  english,
  hebrew,
  Input,
  newConversation,
  outgoingMessageViolations,
  photoConsentMessage
} from "../../domain/index.js"
import type { Command } from "../../domain/index.js"
import { agreePhotos, button, messageId, offeredIds, ofTag, run, sentTexts, text, threshold } from "./fixtures.js"

const photo = (n: number | string) => Input.PhotoReceived({ messageId: messageId(`photo-${n}`) })

const consentQuestions = (commands: ReadonlyArray<Command>) =>
  offeredIds(commands).filter((id) => id === "photo_consent")

const welcomed = { ...newConversation(), welcomed: true }

describe("consent before the first photo is kept", () => {
  it("a photo sent before agreeing is not processed: the person is told it was not kept and asked to agree", () => {
    const { conversation, commands } = run([photo(1)], welcomed)
    expect(ofTag(commands, "ProcessPhoto")).toEqual([])
    expect(consentQuestions(commands)).toHaveLength(1)
    expect(sentTexts(commands)).toEqual([`${english.photoConsent.notKept}\n\n${english.photoConsent.body}`])
    expect(conversation.photosChecked).toBe(0)
    expect(conversation.photoConsent).toBe(false)
  })

  it("a burst of photos is asked about once; the next photo after anything else is asked about again", () => {
    const burst = run([photo(1), photo(2), photo(3), photo(4)], welcomed)
    expect(ofTag(burst.commands, "ProcessPhoto")).toEqual([])
    expect(consentQuestions(burst.commands)).toHaveLength(1)
    // Each is still marked read.
    expect(ofTag(burst.commands, "MarkReadAndTyping")).toHaveLength(4)
    const later = run([text("hello?"), photo(5)], burst.conversation)
    expect(consentQuestions(later.commands)).toHaveLength(1)
    expect(ofTag(later.commands, "ProcessPhoto")).toEqual([])
  })

  it("\"I'm ready\" asks first, without saying a photo was lost; agreeing records it once and gives the go-ahead", () => {
    const ready = run([button("ready")], welcomed)
    expect(consentQuestions(ready.commands)).toHaveLength(1)
    expect(sentTexts(ready.commands)).toEqual([english.photoConsent.body])

    const agreed = run([agreePhotos(2)], ready.conversation)
    expect(ofTag(agreed.commands, "RecordPhotoConsent")).toHaveLength(1)
    expect(sentTexts(agreed.commands)).toEqual([english.sendPhotosNow(threshold)])
    expect(agreed.conversation.photoConsent).toBe(true)

    const again = run([agreePhotos(3), button("ready", 4), photo(5)], agreed.conversation)
    expect(ofTag(again.commands, "RecordPhotoConsent")).toEqual([])
    expect(consentQuestions(again.commands)).toEqual([])
    expect(ofTag(again.commands, "ProcessPhoto")).toEqual([expect.objectContaining({ messageId: messageId("photo-5") })])
  })

  it("photos sent after agreeing are processed, those before are not held back for later", () => {
    const { commands } = run([photo(1), agreePhotos(2), photo(3)], welcomed)
    expect(ofTag(commands, "ProcessPhoto")).toEqual([expect.objectContaining({ messageId: messageId("photo-3") })])
  })

  it("someone who agreed to the terms before consent was asked is not asked again", () => {
    const { commands } = run([photo(1)], { ...welcomed, stage: "TuneReady", termsAgreed: true })
    expect(ofTag(commands, "ProcessPhoto")).toHaveLength(1)
    expect(consentQuestions(commands)).toEqual([])
  })

  it("someone with photos kept before consent was asked, but no terms agreed, is asked before another is kept", () => {
    const stored = Schema.decodeUnknownSync(Conversation)({
      ...Schema.encodeSync(Conversation)({ ...welcomed, stage: "PicturesLoaded", acceptedPhotos: 5 }),
      photoConsent: undefined,
      consentAsked: undefined
    })
    expect(stored.photoConsent).toBe(false)
    const { commands } = run([photo(1)], stored)
    expect(ofTag(commands, "ProcessPhoto")).toEqual([])
    expect(consentQuestions(commands)).toHaveLength(1)
  })

  it("erasing the person's data forgets the consent too", () => {
    const agreed = run([agreePhotos(1)], welcomed).conversation
    const erased = run([button("delete", 2), button("delete_yes", 3)], agreed)
    expect(ofTag(erased.commands, "EraseUser")).toHaveLength(1)
    expect(erased.conversation.photoConsent).toBe(false)
  })

  it("asks in the person's language, within Meta's limits", () => {
    const { commands } = run([photo(1)], { ...welcomed, language: "he" })
    expect(sentTexts(commands)).toEqual([`${hebrew.photoConsent.notKept}\n\n${hebrew.photoConsent.body}`])
    for (const language of ["en", "he"] as const) {
      for (const notKept of [false, true]) {
        expect(outgoingMessageViolations(photoConsentMessage(language, notKept))).toEqual([])
      }
    }
  })
})
