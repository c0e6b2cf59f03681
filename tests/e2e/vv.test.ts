import { describe, expect, it } from "vitest"
import { browserSuite } from "./support/suite"
import { openTab, twoTabsOn, typeWhileOneIsOffline, waitForConvergence } from "./support/browser"
import { blocksOf } from "./support/doc-json"

const suite = browserSuite()
const { tabs } = suite

describe("a version-vector document in two tabs", () => {
  it("shows a paragraph edited in both tabs as a conflict with both versions, until one tab picks", async () => {
    const [delhi, mumbai] = await twoTabsOn(suite.browser, suite.server.url, "vv", "Breaking: PM speaks at 5 PM", { name: "Delhi", color: "#c2255c" }, { name: "Mumbai", color: "#1971c2" })
    tabs.push(delhi, mumbai)
    // Delhi edits the headline offline while Mumbai, online, edits it too: neither saw the other's write.
    await typeWhileOneIsOffline({ page: delhi, block: 0, where: "end", text: " in Delhi" }, { page: mumbai, block: 0, where: "end", text: " in Mumbai" })
    for (const page of [delhi, mumbai]) {
      const conflict = page.getByTestId("conflict")
      await conflict.waitFor()
      const texts = await conflict.getByTestId("conflict-text").allTextContents()
      expect(texts.sort()).toEqual(["Breaking: PM speaks at 5 PM in Delhi", "Breaking: PM speaks at 5 PM in Mumbai"])
    }
    await mumbai.getByTestId("history-entry").filter({ hasText: "at the same time as" }).first().waitFor()
    // A view link shows both versions too, with nothing to pick.
    const docId = new URL(delhi.url()).pathname.split("/")[2]
    const reader = await openTab(suite.browser, suite.server.url, docId, { role: "view" })
    tabs.push(reader)
    await expect(reader.getByTestId("conflict").getByTestId("conflict-text").count()).resolves.toBe(2)
    await expect(reader.getByTestId("conflict-pick").count()).resolves.toBe(0)
    await expect(reader.getByTestId("conflict-merge").count()).resolves.toBe(0)
    // Mumbai keeps Delhi's version: the choice dominates both versions and reaches both tabs.
    await mumbai.getByTestId("conflict-version").filter({ hasText: "in Delhi" }).getByTestId("conflict-pick").click()
    const [doc] = await waitForConvergence([delhi, mumbai])
    for (const page of [delhi, mumbai]) await page.getByTestId("conflict").waitFor({ state: "detached" })
    const blocks = blocksOf(doc.json)
    expect(blocks[0].text).toBe("Breaking: PM speaks at 5 PM in Delhi")
    expect(blocks[0].attrs.conflict).toBeNull()
    await mumbai.getByTestId("history-entry").filter({ hasText: "resolved the conflict" }).first().waitFor()
  })
})
