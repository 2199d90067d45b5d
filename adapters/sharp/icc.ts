/**
 * The description of an ICC profile ("sRGB IEC61966-2.1", "Display P3", ...), from its `desc` tag
 * (ICC v2 `desc` or v4 `mluc`); undefined when the profile is malformed or has none.
 */
export const iccDescription = (icc: Uint8Array): string | undefined => {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength)
  const uint32 = (offset: number) => (offset + 4 <= icc.byteLength ? view.getUint32(offset) : undefined)
  const ascii = (offset: number, length: number) =>
    String.fromCharCode(...icc.subarray(offset, Math.min(icc.byteLength, offset + length)))
  const count = uint32(128)
  if (count === undefined) return undefined
  for (let i = 0; i < Math.min(count, 100); i++) {
    const entry = 132 + i * 12
    if (ascii(entry, 4) !== "desc") continue
    const offset = uint32(entry + 4)
    if (offset === undefined) return undefined
    const type = ascii(offset, 4)
    if (type === "desc") {
      const length = uint32(offset + 8)
      return length === undefined ? undefined : ascii(offset + 12, Math.min(length, 256)).replace(/\0+$/, "")
    }
    if (type === "mluc") {
      const length = uint32(offset + 20)
      const start = uint32(offset + 24)
      if (length === undefined || start === undefined) return undefined
      let text = ""
      for (let at = offset + start; at + 1 < Math.min(icc.byteLength, offset + start + length); at += 2) {
        text += String.fromCharCode(view.getUint16(at))
      }
      return text
    }
    return undefined
  }
  return undefined
}

/**
 * An sRGB profile converts sRGB to sRGB: skipping that no-op saves a colour transform over every
 * pixel (about 100 ms on a 12-megapixel photo). Other profiles (Display P3, Adobe RGB) are applied.
 */
export const isSrgbProfile = (icc: Uint8Array | undefined): boolean =>
  icc !== undefined && /\bsRGB\b/i.test(iccDescription(icc) ?? "")
