import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { browserSuite } from "./support/suite"
import { openTab, placeCaret, twoTabsOn, typeWhileOneIsOffline, waitForConvergence, waitForTextIncluding } from "./support/browser"

const suite = browserSuite()
const { tabs } = suite

/** The history entries the tab lists, newest first, as "<name>: <summary>". */
function entriesOf(page: Page): Promise<string[]> {
  return page.getByTestId("history-entry").evaluateAll(entries => entries.map(entry =>
    `${entry.querySelector(".history-author")?.textContent}: ${entry.querySelector(".history-summary")?.textContent}`))
}

describe("the history of a CRDT document", () => {
  it("lists both people's edits in plain words, shows an earlier version, and restores it in both tabs", async () => {
    const docId = `crdt-history-${Date.now()}`
    const ada = await openTab(suite.browser, suite.server.url, docId, { create: true, strategy: "crdt", name: "Ada", color: "#c2255c" })
    tabs.push(ada)
    await ada.getByTestId("editor").locator(".ProseMirror").click()
    await ada.keyboard.type("Hello world")
    const [before] = await waitForConvergence([ada])
    const bob = await openTab(suite.browser, suite.server.url, docId, { name: "Bob", color: "#1971c2" })
    tabs.push(bob)
    await waitForTextIncluding(bob, "Hello world")
    await placeCaret(bob, 0, "end")
    await bob.keyboard.type(" and Bob")
    await waitForConvergence([ada, bob])

    // Ada's panel tells the two apart and says what each typed.
    await ada.getByTestId("history-panel").waitFor()
    await expect.poll(() => entriesOf(ada), { timeout: 20_000 }).toEqual(["Bob: typed ' and Bob' in paragraph 1", "Ada: typed 'Hello world' in paragraph 1"])
    await ada.getByTestId("history-filter").selectOption({ label: "By Bob" })
    await expect.poll(() => entriesOf(ada)).toEqual(["Bob: typed ' and Bob' in paragraph 1"])
    await ada.getByTestId("history-filter").selectOption("all")
    // Clicking Bob's entry marks where his words landed in Ada's editor.
    await ada.locator("[data-testid=history-entry]", { hasText: "Bob" }).getByRole("button").first().click()
    await expect.poll(() => ada.getByTestId("editor").locator(".history-landed").allTextContents().then(parts => parts.join(""))).toBe(" and Bob")

    // Back to the version before Bob typed: shown read-only in the editor's place, with who wrote it.
    await ada.getByTestId("version-slider").evaluate((slider, version) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(slider, String(version))
      slider.dispatchEvent(new Event("input", { bubbles: true }))
    }, before.version!)
    const preview = ada.locator(`[data-testid=version-preview][data-version="${before.version}"][data-authorship=ready]`)
    await preview.waitFor()
    expect(await preview.locator(".ProseMirror").textContent()).toBe("Hello world")
    await preview.locator(".version-legend-item", { hasText: "Ada" }).waitFor()

    // Restoring it: both tabs show the old text, and Bob's history says who restored which version, at
    // the time his panel shows for that version, with the versions one click away.
    const shownTime = await bob.locator(`[data-testid=history-entry][data-version="${before.version}"] .history-time`).textContent()
    await ada.getByTestId("restore-version").click()
    await ada.getByTestId("editor").waitFor({ state: "visible" })
    const restored = await waitForConvergence([ada, bob])
    for (const tab of restored) expect(tab.text).toBe("Hello world")
    await expect.poll(() => entriesOf(bob).then(entries => entries[0]), { timeout: 20_000 }).toBe(`Ada: restored the version of ${shownTime}`)
    const details = bob.getByTestId("history-entry").first().getByTestId("restore-details")
    expect(await details.textContent()).toMatch(new RegExp(`^brought back v${before.version} \\(committed .+\\) as v${restored[1].version}$`))
    expect(restored[1].version).toBeGreaterThan(before.version!)
  })

  it("explains in both tabs how Yjs merged what one typed offline with what the other typed meanwhile", async () => {
    const [ada, bob] = await twoTabsOn(suite.browser, suite.server.url, "crdt", "Hello world", { name: "Ada", color: "#c2255c" }, { name: "Bob", color: "#1971c2" })
    tabs.push(ada, bob)
    const [seen] = await waitForConvergence([ada, bob])

    const [merged] = await typeWhileOneIsOffline({ page: ada, block: 0, where: "end", text: "!!!" }, { page: bob, block: 0, where: "start", text: "Big " })
    expect(merged.text).toBe("Big Hello world!!!")

    for (const page of [ada, bob]) {
      const entry = page.locator("[data-testid=history-entry][data-merged=true]", { hasText: "Ada" })
      await entry.first().waitFor({ timeout: 20_000 })
      expect(await entry.count()).toBe(1)
      await expect(entry.getByTestId("merge-plain").textContent()).resolves.toMatch(/^Merged after \d+ edits? by Bob that Ada had not seen; nothing had to move\.$/)
      await expect(entry.getByTestId("merge-explanation").textContent()).resolves
        .toMatch(new RegExp(`^written on v${seen.version} while .*Bob.* arrived; its positions did not change$`))
      expect(await entry.locator(".history-summary").first().textContent()).toBe("typed '!!!' in paragraph 1")
    }
  })
})
