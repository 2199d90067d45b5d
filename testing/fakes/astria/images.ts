import { createHash } from "node:crypto"

/**
 * Real images behind the fake's URLs, rendered with sharp: a key-coloured background with a
 * simple head-and-shoulders silhouette, so that downstream sniffing, resizing and contact sheets
 * work on genuine JPEG bytes. Same key, same bytes. sharp is imported by the first image: the
 * development server, which mounts this fake, starts without loading it (bench/cold-start).
 */

const loadSharp = () => import("sharp").then((module) => module.default)

const colourOf = (key: string, salt: string): string =>
  `#${createHash("sha256").update(`${salt}:${key}`).digest("hex").slice(0, 6)}`

export const renderImage = async (key: string, size: number): Promise<Uint8Array> => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="${colourOf(key, "a")}"/><stop offset="1" stop-color="${colourOf(key, "b")}"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  <circle cx="${size / 2}" cy="${size * 0.4}" r="${size * 0.18}" fill="${colourOf(key, "face")}"/>
  <ellipse cx="${size / 2}" cy="${size * 0.95}" rx="${size * 0.35}" ry="${size * 0.3}" fill="${colourOf(key, "body")}"/>
</svg>`
  const sharp = await loadSharp()
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer()
  return new Uint8Array(jpeg)
}

export interface ImageFacts {
  readonly width: number
  readonly height: number
}

/** Dimensions of uploaded bytes, or undefined when they are not an image sharp can read. */
export const imageFacts = async (bytes: Uint8Array): Promise<ImageFacts | undefined> => {
  const sharp = await loadSharp()
  try {
    const meta = await sharp(bytes).metadata()
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : undefined
  } catch {
    return undefined
  }
}
