import type * as http from "node:http"
import { empty, json, notFound, unauthorized, type Answer } from "./answers.js"
import { parseBody, readBody, type ParsedBody } from "./body.js"
import { packDetail, packListItem } from "./catalogue.js"
import { faultAnswer, takeFault } from "./faults.js"
import { fileUrl, serveFile } from "./files.js"
import { inspect } from "./inspection.js"
import type { AstriaState } from "./state.js"
import type { Tunes } from "./tunes.js"

const promptsPageSize = 20

/** The fake's HTTP routes, each handed to its behaviour; every API request is recorded. */
export const makeRouter = (state: AstriaState, tunes: Tunes) => {
  const files = (key: string) => fileUrl(state, key)

  const route = async (method: string, url: URL, body: ParsedBody): Promise<Answer> => {
    const path = url.pathname.replace(/\.json$/, "")
    const parts = path.split("/").filter((p) => p !== "")
    const id = (i: number) => (/^\d+$/.test(parts[i] ?? "") ? Number(parts[i]) : Number.NaN)
    const pack = () => state.packs.find((p) => p.id === id(1))

    // docs/api/2-pack/1-list.md: the account's packs, or the public gallery's; `listed=true`
    // leaves out unlisted packs, `public=true` packs that are not public.
    if (method === "GET" && (path === "/packs" || path === "/gallery/packs")) {
      const gallery = path === "/gallery/packs"
      const listedOnly = url.searchParams.get("listed") === "true"
      const publicOnly = url.searchParams.get("public") === "true"
      return json(
        200,
        state.packs
          .filter((p) => p.gallery === gallery && (p.listed || !listedOnly) && (p.gallery || !publicOnly))
          .map(packListItem)
      )
    }
    if (parts[0] === "p" && parts.length === 2 && method === "GET") {
      const found = pack()
      return found === undefined ? notFound : json(200, packDetail(found, files))
    }
    if (parts[0] === "p" && parts[2] === "tunes" && parts.length === 3 && method === "POST") {
      const found = pack()
      return found === undefined ? notFound : tunes.createTune(body, found)
    }
    if (path === "/tunes" && method === "POST") return tunes.createTune(body, undefined)
    if (path === "/tunes" && method === "GET") return tunes.listTunes(url)
    if (parts[0] === "tunes" && parts.length === 2) {
      const tune = state.liveTune(id(1))
      if (tune === undefined) return notFound
      if (method === "GET") return json(200, tune.json)
      if (method === "DELETE") {
        tune.deleted = true
        return empty(200)
      }
    }
    if (parts[0] === "tunes" && parts[2] === "prompts" && method === "GET") {
      const tune = state.liveTune(id(1))
      if (tune === undefined) return notFound
      if (parts.length === 3) {
        const offset = Number(url.searchParams.get("offset") ?? "0") || 0
        // docs/api/1-prompt/4-list.md: offsets above 10,000 are refused, pointing to before_id.
        if (offset > 10_000) return json(400, { error: "offset above 10000 is not supported; page with before_id" })
        return json(200, state.promptsOf(tune).slice(offset, offset + promptsPageSize))
      }
      const prompt = state.prompts.get(id(3))
      return parts.length === 4 && prompt !== undefined && prompt.tuneId === tune.json.id ? json(200, prompt.json) : notFound
    }
    if (parts[0] === "prompts" && parts[2] === "likes" && parts.length === 3 && method === "POST") {
      if (!state.prompts.has(id(1))) return notFound
      state.likes.push(id(1))
      return empty(201)
    }
    if (path === "/images/inspect" && method === "POST") return inspect(state.inspection, body)
    return notFound
  }

  return async (req: http.IncomingMessage): Promise<Answer> => {
    const method = req.method ?? "GET"
    const url = new URL(req.url ?? "/", state.baseUrl)
    if (method === "GET" && url.pathname.startsWith("/files/")) return serveFile(state, url.pathname.slice("/files/".length))
    const contentType = req.headers["content-type"] ?? ""
    const parsed = await parseBody(contentType, await readBody(req))
    const answer = await (async (): Promise<Answer> => {
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) return unauthorized
      if (parsed === "malformed") return json(400, { error: "Malformed body" })
      const fault = takeFault(state, method, url.pathname)
      if (fault !== undefined && fault.status !== 504) return faultAnswer(fault)
      const result = await route(method, url, parsed)
      return fault === undefined ? result : faultAnswer(fault)
    })()
    const body = parsed === "malformed" ? { fields: {}, files: [], json: undefined } : parsed
    state.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, fields: body.fields, files: body.files, json: body.json, status: answer.status })
    return answer
  }
}
