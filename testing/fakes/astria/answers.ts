/** What a route answers, written to the socket by the server. */
export interface Answer {
  readonly status: number
  readonly body: string | Uint8Array
  readonly contentType: string
}

export const json = (status: number, value: unknown): Answer => ({
  status,
  body: JSON.stringify(value),
  contentType: "application/json; charset=utf-8"
})
export const empty = (status: number): Answer => ({ status, body: "", contentType: "text/plain" })
export const notFound = json(404, { error: "Not found" })
export const unauthorized = json(401, { error: "Unauthorized" })
export const outOfCredits = json(402, { error: "Insufficient credits. Please top up your account balance." })
