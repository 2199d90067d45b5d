import { describe, expect, it } from "@effect/vitest"
import { MediaRef, newConversation, PackId } from "../../domain/index.js"
import type { Command, Conversation, PackOffer } from "../../domain/index.js"
import { contextWith, listRow, ofTag, picturesLoaded, run, savedModel } from "./fixtures.js"

/** The pictures shown with the packs of a tier, in order. */
const pictures = (commands: ReadonlyArray<Command>) =>
  ofTag(commands, "Send").flatMap(({ message }) => (message._tag === "Image" ? [message.media] : []))

const studio: PackOffer = {
  id: PackId.make(201),
  tier: "Standard",
  title: "Studio",
  imageCount: 24,
  coverUrl: "https://cdn/201.jpg",
  previews: { woman: "media-201-woman", man: "media-201-man" }
}
const noCover: PackOffer = { id: PackId.make(202), tier: "Standard", title: "Bare", imageCount: 24, previews: { man: "media-202-man" } }
const context = contextWith({ packs: [studio, noCover], savedModels: [savedModel] })

const packsShown = (conversation: Conversation, inputs = [listRow("tier:Standard")]) =>
  pictures(run(inputs, conversation, context).commands)

describe("pack pictures", () => {
  it("show the preview rendered for the person's voted class, uploaded once to WhatsApp", () => {
    expect(packsShown(picturesLoaded("woman"))).toEqual([MediaRef.Uploaded({ mediaId: "media-201-woman" })])
    expect(packsShown(picturesLoaded("man"))).toEqual([
      MediaRef.Uploaded({ mediaId: "media-201-man" }),
      MediaRef.Uploaded({ mediaId: "media-202-man" })
    ])
  })

  it("show the class the person picked over the voted one", () => {
    const picked: Conversation = { ...picturesLoaded("woman"), chosenClass: "man" }
    expect(packsShown(picked)[0]).toEqual(MediaRef.Uploaded({ mediaId: "media-201-man" }))
  })

  it("fall back to the cover link where the class has no preview yet, and to nothing without a cover", () => {
    expect(packsShown(picturesLoaded("boy"))).toEqual([MediaRef.Link({ url: "https://cdn/201.jpg" })])
  })

  it("follow the class of the saved model a returning person reuses", () => {
    const returning: Conversation = { ...newConversation(), stage: "TuneReady", welcomed: true }
    const shown = packsShown(returning, [listRow(`model:${savedModel.tuneId}`), listRow("tier:Standard")])
    expect(savedModel.personClass).toBe("woman")
    expect(shown).toEqual([MediaRef.Uploaded({ mediaId: "media-201-woman" })])
  })
})
