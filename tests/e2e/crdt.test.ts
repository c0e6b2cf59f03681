import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import { removeDataDir, type ServerProcess } from "../support/server-process"
import { startUiServer } from "./support/server"
import { closeTab, launchBrowser, openTab, placeCaret, waitForConvergence, setOffline, waitForTextIncluding } from "./support/browser"
import { blocksOf } from "./support/doc-json"

let server: ServerProcess
let browser: Browser
const tabs: Page[] = []

beforeAll(async () => {
  [server, browser] = await Promise.all([startUiServer(), launchBrowser()])
})

afterAll(async () => {
  await Promise.all(tabs.map(closeTab))
  await browser?.close()
  await server?.stop()
  if (server) removeDataDir(server.dataDir)
})

describe("a CRDT document in two tabs", () => {
  it("converges with nothing lost when both type, one of them offline and back", async () => {
    const docId = `crdt-${Date.now()}`
    const ada = await openTab(browser, server.url, `${docId}?new=1&strategy=crdt`, { name: "Ada", color: "#c2255c" })
    tabs.push(ada)
    await expect(ada.getByTestId("strategy-badge").getAttribute("data-strategy")).resolves.toBe("crdt")
    await ada.getByTestId("editor").locator(".ProseMirror").click()
    await ada.keyboard.type("Shared line.")
    await waitForConvergence([ada])
    // Bob opens the plain link: the page finds out from the hub that the document is a CRDT.
    const bob = await openTab(browser, server.url, docId, { name: "Bob", color: "#1971c2" })
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
  })
})
