import { existsSync, mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect, ManagedRuntime } from "effect"
import { chromium, type Browser, type Locator, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { InMemoryStorage } from "../../adapters/memory/InMemoryStorage.js"
import { BotDriver } from "../../testing/BotDriver.js"
import { FakeAstria } from "../../testing/fakes/astria/FakeAstria.js"
import { HarnessBot, harnessBot } from "../../testing/HarnessBot.js"

const chromiumPath = "/usr/bin/chromium"
const hasChromium = existsSync(chromiumPath)
const onCi = process.env.CI === "true"

const photo = (name: string) => fileURLToPath(new URL(`../fixtures/photos/${name}.jpg`, import.meta.url))
const photos = [photo("astronaut"), photo("cameraman"), photo("grace_hopper")]
const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url))

const startBot = () =>
  // A repeat gap longer than any test here: a burst of attachments gets one apology, however slowly the machine sends them.
  ManagedRuntime.make(harnessBot({ storage: InMemoryStorage, simulator: true, settings: { PHOTO_THRESHOLD: "3", FLOOD_REPEAT_GAP: "10 minutes" } }))
let runtime: ReturnType<typeof startBot>
let baseUrl = ""

beforeAll(async () => {
  runtime = startBot()
  baseUrl = (await runtime.runPromise(HarnessBot)).baseUrl
})
afterAll(async () => {
  await runtime.dispose()
})

const astriaCompletesAll = Effect.flatMap(FakeAstria, (astria) => astria.control.completeAll)
/** The bot has nothing left to do: what the page shows after this is all it will show. */
const quiescent = Effect.flatMap(BotDriver, (driver) => driver.quiescent()).pipe(Effect.provide(BotDriver.layer))

const post = (path: string, body: string | Blob, contentType = "application/json") =>
  fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": contentType }, body })

describe("the simulator's API", () => {
  it("serves the page with a strict content security policy", async () => {
    const response = await fetch(`${baseUrl}/simulator`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    expect(response.headers.get("content-security-policy")).toMatch(/script-src 'self'/)
    expect(await response.text()).toContain('<script src="/simulator/app.js" defer></script>')
  })

  it("answers bad input with 400, never 500", async () => {
    const added = await post("/simulator/api/people", JSON.stringify({ phone: "15550001111", name: "  Ada  " }))
    expect(added.status).toBe(201)
    expect(await added.json()).toEqual({ phone: "15550001111", name: "Ada" })

    const bad: Array<[string, Promise<Response>]> = [
      ["not JSON", post("/simulator/api/text", "{not json")],
      ["a phone with letters", post("/simulator/api/people", JSON.stringify({ phone: "1555abc", name: "Eve" }))],
      ["an empty name", post("/simulator/api/people", JSON.stringify({ phone: "15550002222", name: "   " }))],
      ["someone never added", post("/simulator/api/text", JSON.stringify({ phone: "15559999999", text: "hi" }))],
      ["an empty text", post("/simulator/api/text", JSON.stringify({ phone: "15550001111", text: "" }))],
      ["a button the bot never sent", post("/simulator/api/reply", JSON.stringify({ phone: "15550001111", messageId: "wamid.nope", choiceId: "x" }))],
      ["an empty photo", post("/simulator/api/photo?phone=15550001111", new Blob([]), "image/jpeg")],
      ["a photo without a phone", post("/simulator/api/photo", new Blob([new Uint8Array([1, 2, 3])]), "image/jpeg")],
      ["a chat without a phone", fetch(`${baseUrl}/simulator/api/chat`)],
      ["a media id that is a path", fetch(`${baseUrl}/simulator/api/media/..%2F..%2Fetc`)]
    ]
    for (const [what, response] of bad) {
      expect({ what, status: (await response).status }).toEqual({ what, status: 400 })
    }
    expect((await fetch(`${baseUrl}/simulator/api/media/1234567890`)).status).toBe(404)
    const tooLarge = await post("/simulator/api/photo?phone=15550001111", new Blob([new Uint8Array(17 * 1024 * 1024)]), "image/jpeg")
    expect(tooLarge.status).toBe(413)
  })

  it("refuses a file it cannot send with a sentence, never a schema dump", async () => {
    await post("/simulator/api/people", JSON.stringify({ phone: "15550004444", name: "Finn" }))
    for (const path of ["/simulator/api/photo", "/simulator/api/file"]) {
      const refused = await post(`${path}?phone=15550004444&filename=page.html`, "<script>alert(1)</script>", "text/html")
      expect(refused.status).toBe(415)
      const { error } = await refused.json()
      expect(error).toMatch(/^the simulator cannot send a file of type "text\/html": send a photo/)
    }
    const notAPhoto = await post("/simulator/api/photo?phone=15550004444", new Blob([new Uint8Array([1])]), "application/pdf")
    expect((await notAPhoto.json()).error).toMatch(/cannot send a file of type "application\/pdf"/)
  })

  it("sends what else a person can: location, contact card, sticker, voice note, video, document, reaction, edit and delete", { timeout: 30_000 }, async () => {
    const phone = "15550005555"
    const send = (path: string, body: object) => post(path, JSON.stringify({ phone, ...body }))
    const chat = async () => (await (await fetch(`${baseUrl}/simulator/api/chat?phone=${phone}`)).json()) as {
      items: ReadonlyArray<{ id: string; from: string; kind: string; text: string; reactions: ReadonlyArray<string>; edited?: boolean; deleted?: boolean; filename?: string }>
    }
    const until = async (what: string, done: (view: Awaited<ReturnType<typeof chat>>) => boolean) => {
      const deadline = Date.now() + 15_000
      for (;;) {
        const view = await chat()
        if (done(view)) return view
        if (Date.now() > deadline) throw new Error(`${what} never came: ${JSON.stringify(view.items.map((item) => [item.from, item.kind, item.text.slice(0, 40)]))}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    expect((await post("/simulator/api/people", JSON.stringify({ phone, name: "Gil" }))).status).toBe(201)
    expect((await send("/simulator/api/text", { text: "hello" })).status).toBe(204)
    const welcomed = await until("the welcome", (view) => view.items.some((item) => item.from === "bot" && item.kind === "list"))
    const hello = welcomed.items.find((item) => item.from === "person")!
    const welcome = welcomed.items.find((item) => item.kind === "list")!
    const botCount = (view: Awaited<ReturnType<typeof chat>>) => view.items.filter((item) => item.from === "bot").length
    const before = botCount(welcomed)

    expect((await send("/simulator/api/reaction", { messageId: welcome.id, emoji: "👍" })).status).toBe(204)
    expect((await send("/simulator/api/edit", { messageId: hello.id, text: "hello there" })).status).toBe(204)
    const edited = await until("the edit", (view) => view.items.some((item) => item.id === hello.id && item.edited === true))
    expect(edited.items.find((item) => item.id === hello.id)?.text).toBe("hello there")
    expect(edited.items.find((item) => item.id === welcome.id)?.reactions).toEqual(["👍"])
    expect((await send("/simulator/api/delete", { messageId: hello.id })).status).toBe(204)
    const deleted = await until("the deletion", (view) => view.items.some((item) => item.id === hello.id && item.deleted === true))
    // Neither the reaction nor the deletion earns an apology.
    expect(deleted.items.filter((item) => item.from === "bot").map((item) => item.text)).not.toContain("Sorry, I can only read text, photos and button taps. 🙂")
    expect((await send("/simulator/api/edit", { messageId: hello.id, text: "again" })).status).toBe(400)
    expect((await send("/simulator/api/reaction", { messageId: "wamid.nope", emoji: "👍" })).status).toBe(400)

    expect((await send("/simulator/api/location", { latitude: 32.08, longitude: 34.78, name: "Tel Aviv" })).status).toBe(204)
    expect((await send("/simulator/api/location", { latitude: 91, longitude: 0 })).status).toBe(400)
    expect((await send("/simulator/api/contact", { name: "Noa", contactPhone: "972501234567" })).status).toBe(204)
    expect((await send("/simulator/api/contact", { name: "Noa", contactPhone: "12ab" })).status).toBe(400)
    const file = (query: string, bytes: ReadonlyArray<number>, type: string) => post(`/simulator/api/file?phone=${phone}&${query}`, new Blob([new Uint8Array(bytes)]), type)
    expect((await file("as=sticker", [82, 73, 70, 70], "image/webp")).status).toBe(204)
    expect((await file("as=sticker", [1], "image/png")).status).toBe(400)
    expect((await file("filename=note.ogg", [79, 103, 103, 83], "audio/ogg")).status).toBe(204)
    expect((await file("filename=clip.mp4", [0, 0, 0, 24], "video/mp4")).status).toBe(204)
    expect((await file("filename=cv.pdf", [37, 80, 68, 70], "application/pdf")).status).toBe(204)
    const all = await until("the six attachments", (view) => ["location", "contact", "sticker", "audio", "video", "document"].every((kind) => view.items.some((item) => item.from === "person" && item.kind === kind)))
    expect(all.items.find((item) => item.kind === "location")?.text).toBe("Tel Aviv · 32.08, 34.78")
    expect(all.items.find((item) => item.kind === "document")?.filename).toBe("cv.pdf")
    expect(all.items.find((item) => item.kind === "contact")?.text).toBe("Noa +972501234567")
    // None of the six is something the bot can use: it says so politely, once for the burst.
    await until("the apology", (view) => botCount(view) >= before + 1)
    await runtime.runPromise(quiescent)
    expect(botCount(await chat())).toBe(before + 1)
  })
})

/** The newest message from the bot that says `text`. */
const botMessage = (page: Page, text: string | RegExp) => page.locator(".msg.bot").filter({ hasText: text }).last()

const waitFor = async (locator: Locator, timeout = 15_000) => {
  await locator.waitFor({ state: "visible", timeout })
  return locator
}

/** Opens the newest list that offers `row` and picks it, as a person taps the list and a row. */
const pick = async (page: Page, listText: string | RegExp, row: string | RegExp, timeout?: number) => {
  const list = await waitFor(botMessage(page, listText), timeout)
  await list.locator("[data-list=open]").click()
  await page.locator("#sheet-rows button").filter({ hasText: row }).first().click()
  await page.locator("#sheet").waitFor({ state: "hidden" })
}

/** Taps a reply button of the newest message from the bot that has it. */
const tap = async (page: Page, button: string) => {
  const action = (scope: Page) => scope.locator("button.action", { hasText: button })
  const message = await waitFor(page.locator(".msg.bot").filter({ has: action(page) }).last())
  await action(page).last().click()
  return message
}

const countOf = (locator: Locator) => locator.count()

/** Polls until the count reaches `atLeast` (the page renders what the bot sends, live). */
const waitForCount = async (locator: Locator, atLeast: number, timeout = 20_000) => {
  const deadline = Date.now() + timeout
  while ((await countOf(locator)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`expected at least ${atLeast} of ${locator.toString()}, saw ${await countOf(locator)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const browserSuite = hasChromium ? describe : describe.skip
if (!hasChromium) {
  if (onCi) {
    describe("the simulator in a real browser", () => {
      it("needs Debian's chromium", () => {
        throw new Error(`${chromiumPath} is missing: CI must run \`apt-get install -y chromium\``)
      })
    })
  } else {
    console.warn(`Skipping the simulator's browser test: ${chromiumPath} is missing (apt-get install -y chromium).`)
  }
}

browserSuite(`the simulator in headless Chromium (${chromiumPath})`, () => {
  let browser: Browser

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it("a person goes from hello to headshots and a rating by clicking", { timeout: 150_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const pageErrors: Array<string> = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    await page.goto(`${baseUrl}/simulator`)

    await page.fill("#person-name", "Dana")
    await page.fill("#person-phone", "972501111111")
    await page.click("#new-person button[type=submit]")
    await waitFor(page.locator("#people button[aria-current=true]", { hasText: "Dana" }))

    await page.fill("#text-input", "hello")
    await page.press("#text-input", "Enter")
    await waitFor(page.locator(".msg.person", { hasText: "hello" }))
    const welcome = await waitFor(botMessage(page, "turn your selfies into professional AI headshots"))
    expect(await welcome.getAttribute("data-kind")).toBe("list")
    // The bot marked the message read: blue ticks.
    await waitFor(page.locator(".msg.person[data-read=true]", { hasText: "hello" }))

    await pick(page, "turn your selfies", "Let's begin")
    await waitFor(page.locator(".msg.person[data-kind=reply]", { hasText: "Let's begin" }))
    const guidelines = await tap(page, "Show me examples")
    expect(await guidelines.textContent()).toContain("clear photos of just you")
    // Example photos the bot uploaded to the Graph API, shown from the fake's media store.
    const examples = page.locator(".msg.bot[data-kind=image] img.media")
    await waitForCount(examples, 2)
    await page.waitForFunction(
      () => [...document.querySelectorAll(".msg.bot img.media")].every((image) => image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0),
      undefined,
      { timeout: 10_000 }
    )
    await tap(page, "I'm ready")
    await tap(page, "Yes, I agree")
    await waitFor(botMessage(page, "Send your photos now"))

    await page.setInputFiles("#photo-input", photos)
    await waitForCount(page.locator(".msg.person[data-kind=image] img.media"), 3)
    await pick(page, "Who is in the photos?", "Woman", 30_000)
    await waitForCount(page.locator(".msg.person[data-kind=image] [data-reaction='🤩']"), 3)
    await waitFor(botMessage(page, "That's enough photos"))
    // The person's own photos come back from the fake Graph API's media store.
    const ownPhotosLoaded = await page.$$eval(".msg.person img.media", (images) =>
      images.every((image) => image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0)
    )
    expect(ownPhotosLoaded).toBe(true)
    mkdirSync(resultsDir, { recursive: true })
    await page.screenshot({ path: `${resultsDir}simulator-photos.png` })

    await pick(page, "good photos. What's next?", "I'm done", 20_000)
    const tiers = await waitFor(botMessage(page, "Pick a package"))
    await tiers.locator("[data-list=open]").click()
    expect(await page.locator("#sheet-rows button").count()).toBe(3)
    await page.locator("#sheet-rows button").first().click()

    const packs = await waitFor(botMessage(page, "Choose a style"))
    if ((await packs.getAttribute("data-kind")) === "list") {
      await packs.locator("[data-list=open]").click()
      await page.locator("#sheet-rows button").first().click()
    } else {
      await packs.locator("button.action").first().click()
    }
    await waitFor(botMessage(page, "Before we start"))
    await tap(page, "I agree")

    const payment = await waitFor(botMessage(page, "Tap below to pay securely"))
    const [checkout] = await Promise.all([context.waitForEvent("page"), payment.locator("a.action").click()])
    await checkout.waitForLoadState()
    expect(await checkout.locator("[data-amount]").textContent()).toMatch(/\d+\.\d{2} [A-Z]{3}/)
    await checkout.locator("button[type=submit]").click()
    await waitFor(checkout.locator("[data-status=paid]"))
    await checkout.close()

    await waitFor(botMessage(page, "Payment received"))
    await waitFor(botMessage(page, "ready in about"))

    await runtime.runPromise(astriaCompletesAll)
    await waitFor(botMessage(page, "Your headshots are ready"), 30_000)
    // The Lite tier of the fake's first pack: 3 prompts of 4 images each, uploaded to WhatsApp by
    // the bot and shown from the fake Graph API's media, after the "ready" message.
    const headshots = page.locator(".msg.bot:has-text('Your headshots are ready') ~ .msg.bot[data-kind=image] img.media")
    await waitForCount(headshots, 12, 30_000)
    await waitFor(botMessage(page, "How do you like them?"), 30_000)
    await page.waitForFunction(
      () => [...document.querySelectorAll(".msg.bot[data-kind=image] img.media")].every((image) => image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0),
      undefined,
      { timeout: 20_000 }
    )

    await pick(page, "How do you like them?", "⭐⭐⭐⭐⭐")
    await waitFor(botMessage(page, "So glad you like them"))
    await waitFor(botMessage(page, "Want another style?"))

    await page.screenshot({ path: `${resultsDir}simulator.png` })
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it("a person sends a location, a contact, a sticker, a voice note and a document, reacts, edits and deletes, by clicking", { timeout: 60_000 }, async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const pageErrors: Array<string> = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    const answers: Array<string> = []
    page.on("dialog", (dialog) => void dialog.accept(answers.shift() ?? ""))
    await page.goto(`${baseUrl}/simulator`)
    await page.fill("#person-name", "Hila")
    await page.fill("#person-phone", "972502222222")
    await page.click("#new-person button[type=submit]")
    await waitFor(page.locator("#people button[aria-current=true]", { hasText: "Hila" }))

    await page.fill("#text-input", "helo")
    await page.press("#text-input", "Enter")
    // Pinned by id: the edited text is read again and may bring another welcome.
    const welcomeId = await (await waitFor(botMessage(page, "turn your selfies"))).getAttribute("data-id")
    const welcome = page.locator(`.msg.bot[data-id="${welcomeId}"]`)
    const mine = page.locator(".msg.person", { hasText: "helo" })
    answers.push("hello")
    await mine.hover()
    await mine.locator("[data-tool=edit]").click()
    await waitFor(page.locator(".msg.person[data-edited=true]", { hasText: "hello" }))
    answers.push("❤️")
    await welcome.hover()
    await welcome.locator("[data-tool=react]").click()
    await waitFor(welcome.locator("[data-reaction='❤️']"))
    const edited = page.locator(".msg.person[data-edited=true]")
    await edited.hover()
    await edited.locator("[data-tool=delete]").click()
    await waitFor(page.locator(".msg.person[data-deleted=true]", { hasText: "You deleted this message" }))

    answers.push("32.0853, 34.7818, Tel Aviv")
    await page.click("#location-button")
    await waitFor(page.locator(".msg.person[data-kind=location]", { hasText: "Tel Aviv" }))
    answers.push("Noa, 972501234567")
    await page.click("#contact-button")
    await waitFor(page.locator(".msg.person[data-kind=contact]", { hasText: "Noa +972501234567" }))
    await page.setInputFiles("#sticker-input", { name: "wave.webp", mimeType: "image/webp", buffer: Buffer.from("RIFF\u0000\u0000\u0000\u0000WEBP") })
    await waitFor(page.locator(".msg.person[data-kind=sticker] img.sticker"))
    await page.setInputFiles("#photo-input", [
      { name: "note.ogg", mimeType: "audio/ogg", buffer: Buffer.from("OggS") },
      { name: "cv.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") }
    ])
    await waitFor(page.locator(".msg.person[data-kind=audio] audio"))
    await waitFor(page.locator(".msg.person[data-kind=document]", { hasText: "cv.pdf" }))

    await page.setInputFiles("#photo-input", { name: "page.html", mimeType: "text/html", buffer: Buffer.from("<p>hi</p>") })
    await page.locator("#send-error", { hasText: 'cannot send a file of type "text/html": send a photo' }).waitFor({ timeout: 10_000 })

    // The edit, the reaction and the deletion earn no apology; the burst of five attachments earns one.
    const apologies = page.locator(".msg.bot").filter({ hasText: "I can only read text" })
    await waitForCount(apologies, 1)
    await runtime.runPromise(quiescent)
    const view = (await (await fetch(`${baseUrl}/simulator/api/chat?phone=972502222222`)).json()) as { items: ReadonlyArray<{ from: string; text: string }> }
    expect(view.items.filter((item) => item.from === "bot" && item.text.includes("I can only read text")).length).toBe(1)
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it("shows what people type as text, never as markup, and keeps people apart", { timeout: 60_000 }, async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${baseUrl}/simulator`)
    await page.fill("#person-name", "<b>Eve</b>")
    await page.fill("#person-phone", "15550003333")
    await page.click("#new-person button[type=submit]")
    await waitFor(page.locator("#people button[aria-current=true]", { hasText: "<b>Eve</b>" }))

    const attack = `<img src=x onerror="document.body.dataset.owned='yes'">*bold*`
    await page.fill("#text-input", attack)
    await page.press("#text-input", "Enter")
    const mine = await waitFor(page.locator(".msg.person").last())
    expect(await mine.locator(".text").textContent()).toBe(`<img src=x onerror="document.body.dataset.owned='yes'">bold`)
    expect(await mine.locator(".text strong").textContent()).toBe("bold")
    expect(await page.locator(".msg img").count()).toBe(0)
    expect(await page.evaluate(() => document.body.dataset["owned"])).toBeUndefined()

    // Dana's chat is hers alone: Eve sees only her own conversation.
    await waitFor(botMessage(page, "turn your selfies"))
    await page.locator("#people button", { hasText: "Dana" }).click()
    await waitFor(page.locator(".msg.person", { hasText: "hello" }))
    expect(await page.locator(".msg.person", { hasText: "onerror" }).count()).toBe(0)
    await context.close()
  })
})
