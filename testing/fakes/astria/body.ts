import type * as http from "node:http"
import { Schema } from "effect"
import type { Params } from "./params.js"
import { paramsFromFormData } from "./params.js"

/** Request bodies as Astria reads them: JSON, multipart or urlencoded, into Rails-style params. */

export interface ParsedBody {
  readonly params: Params
  readonly fields: Record<string, Array<string>>
  readonly files: Array<{ field: string; fileName: string; type: string; size: number }>
  readonly json: unknown
}

export const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

/** JSON bodies carry the same tree; scalars become strings as they would in a form. */
const jsonParams = (value: Readonly<Record<string, unknown>>): Params => {
  const convert = (v: unknown): Params[string] =>
    Array.isArray(v)
      ? v.map(convert)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, convert(inner)]))
        : String(v)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]))
}

export const parseBody = async (contentType: string, bytes: Buffer): Promise<ParsedBody | "malformed"> => {
  const fields: Record<string, Array<string>> = {}
  const files: Array<{ field: string; fileName: string; type: string; size: number }> = []
  if (bytes.length === 0) return { params: {}, fields, files, json: undefined }
  if (contentType.startsWith("application/json")) {
    try {
      const value: unknown = JSON.parse(bytes.toString("utf8"))
      const params: Params = Schema.is(Schema.Record({ key: Schema.String, value: Schema.Unknown }))(value)
        ? jsonParams(value)
        : {}
      return { params, fields, files, json: value }
    } catch {
      return "malformed"
    }
  }
  if (contentType.startsWith("multipart/form-data") || contentType.startsWith("application/x-www-form-urlencoded")) {
    try {
      const form = await new Response(Uint8Array.from(bytes), { headers: { "content-type": contentType } }).formData()
      form.forEach((value, key) => {
        if (typeof value === "string") (fields[key] ??= []).push(value)
        else files.push({ field: key, fileName: value.name, type: value.type, size: value.size })
      })
      return { params: paramsFromFormData(form), fields, files, json: undefined }
    } catch {
      return "malformed"
    }
  }
  return { params: {}, fields, files, json: undefined }
}
