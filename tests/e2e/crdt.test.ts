import { describe, expect, it } from "vitest"
import { browserSuite } from "./support/suite"
import { caretLabels, openTab, placeCaret, waitForConvergence, setOffline, waitForTextIncluding } from "./support/browser"
import { blocksOf } from "./support/doc-json"

const suite = browserSuite()
const { tabs } = suite

describe("a CRDT document in two tabs", () => {
  it("converges with nothing lost when both type, one of them offline and back", async () => {
    const docId = `crdt-${Date.now()}`
    const ada = await openTab(suite.browser, suite.server.url, docId, { create: true, strategy: "crdt", name: "Ada", color: "#c2255c" })
    tabs.push(ada)
    await expect(ada.getByTestId("strategy-badge").getAttribute("data-strategy")).resolves.toBe("crdt")
    await ada.getByTestId("editor").locator(".ProseMirror").click()
    await ada.keyboard.type("Shared line.")
    await waitForConvergence([ada])
    // Bob opens the edit link: the page finds out from the hub that the document is a CRDT.
    const bob = await openTab(suite.browser, suite.server.url, docId, { name: "Bob", color: "#1971c2" })
    tabs.push(bob)
    await expect(bob.getByTestId("strategy-badge").getAttribute("data-strategy")).resolves.toBe("crdt")
    await waitForTextIncluding(bob, "Shared line.")
    // Both type into the same paragraph at once, at its two ends.
    await placeCaret(ada, 0, "end")
    await placeCaret(bob, 0, "start")
    await Promise.all([ada.keyboard.type(" Ada was here."), bob.keyboard.type("Bob: ")])
    await waitForConvergence([ada, bob])
    // Ada goes offline and keeps typing; Bob types meanwhile; Ada comes back.
    await setOffline(ada, true)
    await placeCaret(ada, 0, "end")
    await ada.keyboard.type(" Written offline.")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type("A new paragraph from Ada.")
    await placeCaret(bob, 0, "start")
    await bob.keyboard.type("[Bob online] ")
    await waitForConvergence([bob])
    await setOffline(ada, false)
    const [adaDoc, bobDoc] = await waitForConvergence([ada, bob])
    expect(bobDoc.json).toEqual(adaDoc.json)
    const texts = blocksOf(adaDoc.json).map(b => b.text)
    expect(texts).toEqual(["[Bob online] Bob: Shared line. Ada was here. Written offline.", "A new paragraph from Ada."])
    // The pages rendered on the server and the hub share one Yjs (next.config.js).
    expect(suite.server.stderr()).not.toContain("Yjs was already imported")
  })

  it("shows each tab's caret with its name in the other, and in the list of people here", async () => {
    const docId = `crdt-carets-${Date.now()}`
    const ada = await openTab(suite.browser, suite.server.url, docId, { create: true, strategy: "crdt", name: "Ada", color: "#c2255c" })
    tabs.push(ada)
    await ada.getByTestId("editor").locator(".ProseMirror").click()
    await ada.keyboard.type("Carets here.")
    await waitForConvergence([ada])
    const bob = await openTab(suite.browser, suite.server.url, docId, { name: "Bob", color: "#1971c2" })
    tabs.push(bob)
    await waitForTextIncluding(bob, "Carets here.")
    await placeCaret(bob, 0, "start")
    await placeCaret(ada, 0, "end")
    await ada.keyboard.type("!")
    await expect.poll(() => caretLabels(bob), { timeout: 20_000 }).toEqual(["Ada"])
    await expect.poll(() => caretLabels(ada), { timeout: 20_000 }).toEqual(["Bob"])
    await expect.poll(() => bob.getByTestId("presence-list").textContent(), { timeout: 20_000 }).toContain("Ada")
  })
})
