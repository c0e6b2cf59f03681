import { describe, expect, it } from "vitest"
import { browserSuite } from "./support/suite"
import { placeCaret, twoTabsOn, readDocument, waitForConvergence, setOffline, undoHistoryOf, waitForTextIncluding } from "./support/browser"
import { blocksOf } from "./support/doc-json"

const suite = browserSuite()
const { tabs } = suite

describe("a last-writer-wins document in two tabs", () => {
  it("keeps the write with the later clock, and the history panel lists the lost write whose text is gone", async () => {
    // Created as last-writer-wins per paragraph; the second tab opens the edit link.
    const [delhi, mumbai] = await twoTabsOn(suite.browser, suite.server.url, "lww", "Breaking: PM speaks at 5 PM", { name: "Delhi", color: "#c2255c" }, { name: "Mumbai", color: "#1971c2" })
    tabs.push(delhi, mumbai)
    // Delhi's clock runs 5 minutes ahead; both tabs edit the headline while partitioned.
    await delhi.getByTestId("clock-skew").fill("5")
    await setOffline(delhi, true)
    await setOffline(mumbai, true)
    await placeCaret(delhi, 0, "end")
    await delhi.keyboard.type(" in Delhi")
    await placeCaret(mumbai, 0, "end")
    await mumbai.keyboard.type(" in Mumbai")
    // Mumbai reconnects last, so its write is the newer in real time, yet Delhi's clock wins.
    await setOffline(delhi, false)
    await waitForConvergence([delhi])
    await setOffline(mumbai, false)
    const [doc] = await waitForConvergence([delhi, mumbai])
    const texts = blocksOf(doc.json).map(b => b.text)
    expect(texts[0]).toBe("Breaking: PM speaks at 5 PM in Delhi")
    expect(texts.join("\n")).not.toContain("Mumbai")
    for (const page of [delhi, mumbai]) {
      const lost = page.getByTestId("lost-write")
      await lost.first().waitFor()
      await expect(lost.first().textContent()).resolves.toContain("in Mumbai")
      await expect(lost.first().textContent()).resolves.toContain("Delhi's write")
    }
    expect((await readDocument(mumbai)).json).toEqual(doc.json)

    // Mumbai, whose clock is behind Delhi's, restores its write: the hub discards it again, and the button says so.
    await mumbai.getByTestId("restore-lost-write").first().click()
    await mumbai.getByTestId("lost-again").filter({ hasText: "Restored, and lost again to Delhi's later clock" }).waitFor()
    for (const tab of await waitForConvergence([delhi, mumbai])) expect(blocksOf(tab.json).map(b => b.text)).toEqual(texts)

    // Delhi restores Mumbai's lost write: a new write stamped with Delhi's clock, which wins and every tab receives.
    const beforeRestore = `${await undoHistoryOf(delhi)} (page clock ${await delhi.evaluate(() => Date.now())})`
    await delhi.getByTestId("restore-lost-write").first().click()
    await delhi.getByTestId("restore-lost-write").filter({ hasText: "Restored" }).waitFor()
    const restored = await waitForConvergence([delhi, mumbai])
    for (const tab of restored) expect(blocksOf(tab.json).map(b => b.text)).toEqual(["Breaking: PM speaks at 5 PM in Mumbai", ...texts.slice(1)])
    await mumbai.locator(`[data-testid=history-entry][data-version="${restored[0].version}"]`, { hasText: "Delhi" }).waitFor()
    // It is an ordinary edit of Delhi's: undo (the toolbar's, which needs no focus in the editor while
    // the history panel updates) takes it back in every tab.
    const history = await undoHistoryOf(delhi)
    await delhi.getByTestId("tb-undo").click()
    await waitForTextIncluding(delhi, "in Delhi").catch(error => {
      throw new Error(`${(error as Error).message}; Delhi's undo history before the restore: ${beforeRestore}; before the undo: ${history}`)
    })
    const undone = await waitForConvergence([delhi, mumbai])
    for (const tab of undone) expect(blocksOf(tab.json).map(b => b.text)).toEqual(texts)
  })
})
