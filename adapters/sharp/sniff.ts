import type { PhotoFormat } from "../../application/ports/PhotoChecker.js"

const startsWith = (bytes: Uint8Array, offset: number, signature: ReadonlyArray<number>) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte)

const ascii = (text: string) => Array.from(text, (char) => char.charCodeAt(0))

const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"])
const AVIF_BRANDS = new Set(["avif", "avis"])

/**
 * The format the bytes themselves announce, from their magic numbers, before any decoder sees
 * them: anything else (SVG, PDF, GIF, TIFF, text) never reaches libvips.
 */
export const sniffPhotoFormat = (bytes: Uint8Array): PhotoFormat | undefined => {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return "jpeg"
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png"
  if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) return "webp"
  if (startsWith(bytes, 4, ascii("ftyp")) && bytes.length >= 12) {
    const brand = String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!)
    if (AVIF_BRANDS.has(brand)) return "avif"
    if (HEIC_BRANDS.has(brand)) return "heic"
  }
  return undefined
}
