import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { listRecentDocuments, maxLinklessEntries, rememberDocument } from "../../lib/client/recent-documents"
import { storeLinks } from "../../lib/client/stored-links"
import { MemoryStorage } from "../support/memory-storage"

describe("the list of documents this browser opened", () => {
  let now = 1_000
  beforeEach(() => {
    vi.stubGlobal("localStorage", new MemoryStorage())
    vi.spyOn(Date, "now").mockImplementation(() => ++now)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it("keeps every document whose links it holds, however many, and the most recent of the others", () => {
    for (let i = 0; i < 40; i++) {
      storeLinks(`owned-${i}`, { owner: `token-${i}` })
      rememberDocument(`owned-${i}`, { title: `Owned ${i}`, created: true })
    }
    for (let i = 0; i < maxLinklessEntries + 5; i++) rememberDocument(`seen-${i}`)
    const listed = listRecentDocuments()
    expect(listed.filter(d => d.id.startsWith("owned-"))).toHaveLength(40)
    expect(listed.filter(d => d.id.startsWith("seen-")).map(d => d.id)).toEqual(
      Array.from({ length: maxLinklessEntries }, (_, i) => `seen-${maxLinklessEntries + 4 - i}`))
    expect(listed[listed.length - 1]).toMatchObject({ id: "owned-0", title: "Owned 0", created: true })
  })
})
