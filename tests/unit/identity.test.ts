import { describe, expect, it } from "vitest"
import { colorName, identityColors } from "../../lib/client/identity"

describe("identity colours", () => {
  it("names every colour of the palette, each differently, and no colour outside it", () => {
    const names = identityColors.map(colorName)
    expect(names.every(name => typeof name == "string" && name.length > 0)).toBe(true)
    expect(new Set(names).size).toBe(identityColors.length)
    expect(colorName(identityColors[7].toUpperCase())).toBe(names[7])
    expect(colorName("#123456")).toBeNull()
  })
})
