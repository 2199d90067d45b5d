import { createHmac } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import { signPaymentPayload, verifyPaymentSignature } from "../../adapters/payments/PaymentSignature.js"
import { secret } from "./support/fixtures.js"

const key = Redacted.make(secret)
const body = new TextEncoder().encode('{"id":"pay_1","order_id":"o-1","amount":1290,"currency":"USD","status":"paid","paid_at":"2026-11-25T10:00:00Z"}')
const now = Date.UTC(2026, 10, 25, 10, 0, 0)
const nowSeconds = now / 1000

/** Written out by hand, not with the module under test, so the scheme itself is checked. */
const v1 = (timestamp: number, payload: Uint8Array, withSecret = secret) =>
  createHmac("sha256", withSecret).update(`${timestamp}.${new TextDecoder().decode(payload)}`).digest("hex")

describe("payment webhook signature (Stripe's scheme)", () => {
  it("accepts t=<unix>,v1=<hex> over `${t}.${rawBody}`", () => {
    const header = `t=${nowSeconds},v1=${v1(nowSeconds, body)}`
    expect(verifyPaymentSignature(key, body, header, now)).toEqual({ _tag: "Valid", timestamp: nowSeconds })
    expect(signPaymentPayload(secret, nowSeconds, body)).toBe(header)
  })

  it("accepts any one of several v1 (a secret being rolled), and ignores v0", () => {
    const header = `t=${nowSeconds},v0=abc,v1=${v1(nowSeconds, body, "old-secret")},v1=${v1(nowSeconds, body)}`
    expect(verifyPaymentSignature(key, body, header, now)._tag).toBe("Valid")
  })

  it("reports a missing header", () => {
    expect(verifyPaymentSignature(key, body, undefined, now)._tag).toBe("Missing")
    expect(verifyPaymentSignature(key, body, "  ", now)._tag).toBe("Missing")
  })

  it("reports malformed headers", () => {
    for (const header of [`v1=${v1(nowSeconds, body)}`, `t=${nowSeconds}`, `t=abc,v1=${v1(nowSeconds, body)}`, `t=${nowSeconds},v1=zz`, "sha256=00"]) {
      expect(verifyPaymentSignature(key, body, header, now)._tag).toBe("Malformed")
    }
  })

  it("refuses a forged signature, an altered body and a shifted timestamp", () => {
    const forged = `t=${nowSeconds},v1=${v1(nowSeconds, body, "not-our-secret")}`
    expect(verifyPaymentSignature(key, body, forged, now)._tag).toBe("Mismatch")
    const altered = new TextEncoder().encode(new TextDecoder().decode(body).replace("1290", "1"))
    expect(verifyPaymentSignature(key, altered, `t=${nowSeconds},v1=${v1(nowSeconds, body)}`, now)._tag).toBe("Mismatch")
    // Moving t to look fresh breaks the signature, since t is inside the signed payload.
    const old = nowSeconds - 3600
    expect(verifyPaymentSignature(key, body, `t=${nowSeconds},v1=${v1(old, body)}`, now)._tag).toBe("Mismatch")
  })

  it("refuses an authentic request replayed or delivered after five minutes", () => {
    const captured = `t=${nowSeconds},v1=${v1(nowSeconds, body)}`
    expect(verifyPaymentSignature(key, body, captured, now + 300_000)._tag).toBe("Valid")
    expect(verifyPaymentSignature(key, body, captured, now + 301_000)).toEqual({ _tag: "OutsideTolerance", ageSeconds: 301 })
  })

  it("refuses a timestamp more than five minutes ahead of our clock", () => {
    const ahead = nowSeconds + 301
    expect(verifyPaymentSignature(key, body, `t=${ahead},v1=${v1(ahead, body)}`, now)).toEqual({
      _tag: "OutsideTolerance",
      ageSeconds: -301
    })
  })
})
