import { describe, expect, it } from "vitest"
import { RecentVersions } from "../../server/hub/recent-versions"
import { b } from "../support/builders"

const { doc, p } = b

describe("recent versions", () => {
  it("keeps the last few versions of all documents together, the least recently used going first", () => {
    const recent = new RecentVersions(2)
    const [one, two, three] = ["one", "two", "three"].map(text => doc(p(text)))
    recent.remember("a", 1, one)
    recent.remember("b", 1, two)
    expect([recent.get("a", 1), recent.get("b", 1), recent.get("a", 2)]).toEqual([one, two, undefined])
    // "a"@1 was used before "b"@1, so "a"@1 goes first.
    recent.remember("a", 3, three)
    expect([recent.get("a", 1), recent.get("b", 1), recent.get("a", 3)]).toEqual([undefined, two, three])
  })
})
