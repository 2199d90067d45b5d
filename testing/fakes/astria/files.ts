import { notFound, type Answer } from "./answers.js"
import { renderImage } from "./images.js"
import type { AstriaState } from "./state.js"

/** `GET /files/:key`: uploaded training images as given, and rendered JPEGs for every image URL. */

export const fileUrl = (state: AstriaState, key: string) => `${state.baseUrl}/files/${key}`

export const serveFile = async (state: AstriaState, key: string): Promise<Answer> => {
  const upload = state.uploads.get(key)
  if (upload !== undefined) return { status: 200, body: upload, contentType: "application/octet-stream" }
  if (!/^(pack-\d+-cover|sample-\d+-\w+-\d+-\d+|prompt-\d+-\d+)$/.test(key)) return notFound
  let image = state.rendered.get(key)
  if (image === undefined) {
    image = renderImage(key, state.imageSize)
    state.rendered.set(key, image)
  }
  return { status: 200, body: await image, contentType: "image/jpeg" }
}
