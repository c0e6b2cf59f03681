import { describe, expect, it } from "vitest"
import { allowedOriginsFrom, originAllowed } from "../../server/origin-check"

describe("originAllowed", () => {
  const host = "concord.example:3000"

  it("accepts a request without Origin: a client that is not a browser", () => {
    expect(originAllowed(undefined, host, false, [])).toBe(true)
  })

  it("accepts the server's own origin: the connection's scheme with the Host header", () => {
    expect(originAllowed("http://concord.example:3000", host, false, [])).toBe(true)
    expect(originAllowed("HTTP://Concord.Example:3000", host, false, [])).toBe(true)
    expect(originAllowed("https://concord.example", "concord.example", true, [])).toBe(true)
    expect(originAllowed("https://concord.example:443", "concord.example", true, [])).toBe(true)
  })

  it("refuses another scheme, host or port than the server's own", () => {
    expect(originAllowed("https://concord.example:3000", host, false, [])).toBe(false)
    expect(originAllowed("http://concord.example:3001", host, false, [])).toBe(false)
    expect(originAllowed("http://concord.example", host, false, [])).toBe(false)
    expect(originAllowed("http://evil.example:3000", host, false, [])).toBe(false)
    expect(originAllowed("https://evil.example", undefined, false, [])).toBe(false)
  })

  it("refuses null and anything that is not an http(s) origin", () => {
    for (const origin of ["null", "", "file://", "javascript:alert(1)", "concord.example:3000", "http://concord.example:3000/path", "http://u:p@concord.example:3000"])
      expect(originAllowed(origin, host, false, []), origin).toBe(false)
  })

  it("accepts the allowed origins, compared as origins", () => {
    const allowed = allowedOriginsFrom(" https://App.example , http://localhost:8080")
    expect(allowed).toEqual(["https://app.example", "http://localhost:8080"])
    expect(originAllowed("https://app.example", host, false, allowed)).toBe(true)
    expect(originAllowed("https://app.example:443", host, false, allowed)).toBe(true)
    expect(originAllowed("http://localhost:8080", host, false, allowed)).toBe(true)
    expect(originAllowed("http://localhost:8081", host, false, allowed)).toBe(false)
    expect(originAllowed("null", host, false, allowed)).toBe(false)
  })
})

describe("allowedOriginsFrom", () => {
  it("reads nothing from an unset or empty value", () => {
    expect(allowedOriginsFrom(undefined)).toEqual([])
    expect(allowedOriginsFrom("")).toEqual([])
  })

  it("refuses an entry that is not an origin", () => {
    for (const value of ["app.example", "https://app.example/path", "null", "ftp://app.example"])
      expect(() => allowedOriginsFrom(value), value).toThrow(/CONCORD_ALLOWED_ORIGINS/)
  })
})
