import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import { startHubCluster, type HubCluster } from "../support/hub-cluster"
import { closeTab, launchBrowser, openTab, placeCaret, readDocument, setOffline, waitForConvergence } from "./support/browser"
import { blocksOf } from "./support/doc-json"

let cluster: HubCluster
let browser: Browser
const tabs: Page[] = []

beforeAll(async () => {
  ;[cluster, browser] = await Promise.all([startHubCluster(2, { CONCORD_UI: "on", NODE_ENV: "production" }), launchBrowser()])
})

afterAll(async () => {
  await Promise.all(tabs.map(closeTab))
  await browser?.close()
  await cluster?.stop()
})

describe("Two tabs on two hubs sharing one PostgreSQL", () => {
  it("co-edit with each other's named carets, and both history panels show the same merge", async () => {
    const docId = "two-hubs"
    const ada = await openTab(browser, cluster.urls[0], docId, { create: true, name: "Ada Lovelace" })
    tabs.push(ada)
    await placeCaret(ada, 0, "end")
    await ada.keyboard.type("Hello world")
    const bob = await openTab(browser, cluster.urls[1], docId, { name: "Grace Hopper" })
    tabs.push(bob)
    await waitForConvergence([ada, bob])

    // Carets and names cross the hubs both ways.
    await placeCaret(bob, 0, "start")
    await ada.getByTestId("editor").locator(".remote-caret-label", { hasText: "Grace Hopper" }).waitFor({ state: "visible" })
    await placeCaret(ada, 0, "end")
    await bob.getByTestId("editor").locator(".remote-caret-label", { hasText: "Ada Lovelace" }).waitFor({ state: "visible" })

    // Concurrent edits, Ada's written offline on an older version, merge the same on both hubs.
    const before = (await readDocument(ada)).version!
    await setOffline(ada, true)
    await ada.keyboard.type("!!!")
    await bob.keyboard.type("Big ")
    await waitForConvergence([bob])
    await setOffline(ada, false)
    const [doc] = await waitForConvergence([ada, bob])
    expect(blocksOf(doc.json).map(b => b.text)).toEqual(["Big Hello world!!!"])
    const explanations: string[] = []
    for (const page of [ada, bob]) {
      const merged = page.locator("[data-testid=history-entry][data-merged=true]", { hasText: "Ada" }).first()
      await merged.waitFor()
      explanations.push((await merged.getByTestId("merge-explanation").textContent()) ?? "")
    }
    expect(explanations[0]).toMatch(new RegExp(`^written on v${before} while .*Grace.* arrived; moved from position 12 to 16`))
    expect(explanations[1]).toBe(explanations[0])
  })
})
