import { describe, expect, it } from "vitest"
import { Hub } from "../../server/hub/hub"
import { MemoryStorage } from "../../server/storage"
import { createLogger } from "../../server/log"

/** A store whose snapshot of one document cannot be read, as a failing disk or a document stored broken would have it. */
class OneBrokenStorage extends MemoryStorage {
  constructor(private readonly broken: string) {
    super()
  }

  override async latestSnapshot(docId: string, atOrBefore?: number) {
    if (docId == this.broken) throw new Error("disk read failed")
    return super.latestSnapshot(docId, atOrBefore)
  }
}

describe("document summaries", () => {
  it("fail only for the document the hub cannot open, and still summarise the others", async () => {
    const hub = new Hub({ storage: new OneBrokenStorage("broken"), log: createLogger("silent") })
    const good = await hub.create({ docId: "good" })
    const broken = await hub.create({ docId: "broken" })
    const summaries = await hub.summaries({ documents: [{ docId: "broken", token: broken.links.edit! }, { docId: "good", token: good.links.edit! }] })
    expect(summaries[0]).toMatchObject({ docId: "broken", found: false, error: { code: "ERR_INTERNAL", message: expect.stringContaining("disk read failed") } })
    expect(summaries[1]).toMatchObject({ docId: "good", found: true, version: 0 })
    await hub.close()
  })
})
