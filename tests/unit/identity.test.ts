import { describe, expect, it } from "vitest"
import { cleanName, colorName, identityColors } from "../../lib/client/identity"
import { parse } from "../../lib/protocol"
import { cleanTitle, titleProblem } from "../../lib/schema/document-title"

describe("identity colours", () => {
  it("names every colour of the palette, each differently, and no colour outside it", () => {
    const names = identityColors.map(colorName)
    expect(names.every(name => typeof name == "string" && name.length > 0)).toBe(true)
    expect(new Set(names).size).toBe(identityColors.length)
    expect(colorName(identityColors[7].toUpperCase())).toBe(names[7])
    expect(colorName("#123456")).toBeNull()
  })
})

describe("display names", () => {
  const join = (name: string) => ({ docId: "d", clientId: "c", secret: "s".repeat(16), token: "t", version: null, user: { name, color: "#3366cc" } })

  it("are cleaned of what would hide or reorder them, and refused by the hub when they hold it", () => {
    expect(cleanName("\u202eadmin")).toBe("admin")
    expect(cleanName("Bob\nAlice")).toBe("Bob Alice")
    expect(cleanName("  Ada\u200b Love\u00adlace ")).toBe("Ada Lovelace")
    for (const hidden of ["\u200b", "\u2066\u2067\u2068", "\u00ad", " \u0301 "]) expect(cleanName(hidden), JSON.stringify(hidden)).toBe("")
    expect(cleanName("👩‍👩‍👧 family")).toBe("👩‍👩‍👧 family")
    expect(cleanName("x".repeat(63) + "😀")).toBe("x".repeat(63))
    for (const name of ["\u202eadmin", "Bob\nAlice", "\u0000nul", "\u200b", "\u00ad", "\u2066\u2067\u2068"])
      expect(() => parse.join(join(name)), JSON.stringify(name)).toThrow(/name/)
    for (const name of ["Ada", "Zoë", "👩‍👩‍👧 family", "علي"]) expect(parse.join(join(name)).user.name).toBe(name)
  })

  it("keep titles free of direction-changing characters too", () => {
    expect(titleProblem("\u202eevil.exe")).toMatch(/direction-changing/)
    expect(cleanTitle("Plan\u202e B")).toBe("Plan B")
    expect(titleProblem("Plan B")).toBeNull()
  })
})
