import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { checkOutgoingMessage, fitTo, MediaRef, OutgoingMessage, outgoingMessageViolations } from "../../domain/index.js"

const paths = (message: OutgoingMessage) => outgoingMessageViolations(message).map((v) => v.path)

const row = (id: string, title = "Row", description?: string) => ({ id, title, description })

describe("checkOutgoingMessage", () => {
  it("accepts a message within every limit", () => {
    const message = OutgoingMessage.Buttons({
      body: "b".repeat(1024),
      header: "h".repeat(60),
      footer: "f".repeat(60),
      buttons: [{ id: "i".repeat(256), title: "t".repeat(20) }]
    })
    expect(checkOutgoingMessage(message)).toEqual(Either.right(message))
  })

  it("refuses text over 4096 and empty text", () => {
    expect(paths(OutgoingMessage.Text({ body: "x".repeat(4096) }))).toEqual([])
    expect(paths(OutgoingMessage.Text({ body: "x".repeat(4097) }))).toEqual(["body"])
    expect(paths(OutgoingMessage.Text({ body: "  " }))).toEqual(["body"])
  })

  it("checks reply buttons: body, header, footer, count, title, id, duplicates", () => {
    const message = OutgoingMessage.Buttons({
      body: "b".repeat(1025),
      header: "h".repeat(61),
      footer: "f".repeat(61),
      buttons: [
        { id: "a", title: "t".repeat(21) },
        { id: "i".repeat(257), title: "ok" },
        { id: "a", title: "ok" },
        { id: "d", title: "ok" }
      ]
    })
    expect(paths(message)).toEqual([
      "body",
      "header",
      "footer",
      "buttons",
      "buttons[0].title",
      "buttons[1].id",
      "buttons"
    ])
    expect(paths(OutgoingMessage.Buttons({ body: "b", buttons: [] }))).toEqual(["buttons"])
  })

  it("checks lists: label, sections, titles, rows and their fields, ten rows in all", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => row(`r${i}`))
    const message = OutgoingMessage.List({
      body: "b",
      buttonLabel: "l".repeat(21),
      sections: [
        { title: "s".repeat(25), rows: [row("x".repeat(201), "t".repeat(25), "d".repeat(73))] },
        { title: "ok", rows: eleven }
      ]
    })
    expect(paths(message)).toEqual([
      "buttonLabel",
      "rows",
      "sections[0].title",
      "sections[0].rows[0].id",
      "sections[0].rows[0].title",
      "sections[0].rows[0].description",
      "sections[1].rows"
    ])
    expect(paths(OutgoingMessage.List({ body: "b", buttonLabel: "l", sections: [] }))).toEqual(["sections", "rows"])
    expect(
      paths(OutgoingMessage.List({ body: "b", buttonLabel: "l", sections: [{ title: "s", rows: [row("a"), row("a")] }] }))
    ).toEqual(["rows"])
  })

  it("checks captions and link buttons", () => {
    const media = MediaRef.Link({ url: "https://x/y.jpg" })
    expect(paths(OutgoingMessage.Image({ media, caption: "c".repeat(1025) }))).toEqual(["caption"])
    expect(paths(OutgoingMessage.Video({ media, caption: "c".repeat(1024) }))).toEqual([])
    expect(paths(OutgoingMessage.LinkButton({ body: "b", label: "l".repeat(21), url: "" }))).toEqual(["label", "url"])
  })

  it("returns every violation on the left", () => {
    const result = checkOutgoingMessage(OutgoingMessage.Text({ body: "" }))
    expect(Either.isLeft(result) && result.left[0].rule).toBe("must not be empty")
  })
})

describe("fitTo", () => {
  it("keeps short text and cuts long text to the limit, marking the cut", () => {
    expect(fitTo(5, "abc")).toBe("abc")
    expect(fitTo(5, "abcdefgh")).toBe("abcd…")
    expect(fitTo(5, "abcdefgh")).toHaveLength(5)
  })

  it("never cuts an emoji in half", () => {
    const cut = fitTo(4, "ab😀cdef")
    expect(cut.length).toBeLessThanOrEqual(4)
    expect(cut).toBe("ab…")
  })
})
