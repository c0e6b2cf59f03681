import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { browserSuite } from "./support/suite"
import { openTab, placeCaret, readDocument, waitForConvergence, waitForTextIncluding, setOffline, typeWhileOneIsOffline } from "./support/browser"
import { blocksOf, textsWithMark } from "./support/doc-json"

const suite = browserSuite({ closeTabsAfterEach: true })
let docCount = 0

/** A new document typed by Ada, open in her tab and in Bob's, both with the history panel showing. */
async function documentWith(text: string): Promise<[Page, Page]> {
  const docId = `history-${++docCount}-${Date.now()}`
  const ada = await openTab(suite.browser, suite.server.url, docId, { create: true, name: "Ada", color: "#c2255c" })
  suite.tabs.push(ada)
  await ada.getByTestId("editor").locator(".ProseMirror").click()
  await ada.keyboard.type(text)
  await waitForConvergence([ada])
  const bob = await openTab(suite.browser, suite.server.url, docId, { name: "Bob", color: "#1971c2" })
  suite.tabs.push(bob)
  await waitForConvergence([ada, bob])
  for (const page of [ada, bob]) await page.getByTestId("history-panel").waitFor()
  return [ada, bob]
}

/** Select the last occurrence of `word` in the editor with a double click, as a person would. */
async function selectWord(page: Page, word: string): Promise<void> {
  const point = await page.getByTestId("editor").locator(".ProseMirror").evaluate((editor, word) => {
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT)
    let found: { node: Text; at: number } | null = null
    while (walker.nextNode()) {
      const node = walker.currentNode as Text
      const at = node.data.lastIndexOf(word)
      if (at >= 0) found = { node, at }
    }
    if (!found) throw new Error(`No ${word} in the editor`)
    const range = document.createRange()
    range.setStart(found.node, found.at + 1)
    range.setEnd(found.node, found.at + 2)
    const rect = range.getBoundingClientRect()
    return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }
  }, word)
  await page.mouse.dblclick(point.x, point.y)
  // ProseMirror takes the DOM selection in on the next selectionchange event: wait until its state has
  // it, or a key pressed now acts on the old selection (a loaded machine made Ctrl+B miss the word).
  await page.waitForFunction(word => {
    const state = (window as unknown as { __concord?: { connection: { state: { doc: { textBetween(from: number, to: number): string }; selection: { from: number; to: number } } | null } } })
      .__concord?.connection.state
    return getSelection()?.toString() == word && !!state && state.doc.textBetween(state.selection.from, state.selection.to) == word
  }, word)
}

/** Move the version slider as a drag would. */
async function scrubTo(page: Page, version: number): Promise<void> {
  await page.getByTestId("version-slider").evaluate((slider, version) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(slider, String(version))
    slider.dispatchEvent(new Event("input", { bubbles: true }))
  }, version)
  await page.locator(`[data-testid=version-preview][data-version="${version}"][data-authorship=ready]`).waitFor()
}

describe("history panel", () => {
  it("explains a merge in both tabs, shows an earlier version, and restores it everywhere", async () => {
    const [ada, bob] = await documentWith("Hello world")
    const before = (await readDocument(ada)).version!

    const [doc] = await typeWhileOneIsOffline({ page: ada, block: 0, where: "end", text: "!!!" }, { page: bob, block: 0, where: "start", text: "Big " })
    expect(blocksOf(doc.json).map(b => b.text)).toEqual(["Big Hello world!!!"])

    for (const page of [ada, bob]) {
      const merged = page.locator("[data-testid=history-entry][data-merged=true]", { hasText: "Ada" })
      await merged.first().waitFor()
      // In plain words, with the versions and positions one click away.
      await expect(merged.first().getByTestId("merge-plain").textContent()).resolves
        .toMatch(/^Merged after \d+ edits? by Bob that Ada had not seen; moved 4 characters to the right\.$/)
      expect(await merged.first().getByTestId("merge-explanation").isVisible()).toBe(false)
      const explanation = await merged.first().getByTestId("merge-explanation").textContent()
      expect(explanation).toMatch(new RegExp(`^written on v${before} while .*Bob.* arrived; moved from position 12 to 16`))
      await page.getByTestId("history-filter").selectOption("merges")
      const shown = page.getByTestId("history-entry")
      expect(await shown.count()).toBeGreaterThan(0)
      expect(await shown.evaluateAll(list => list.every(entry => entry.getAttribute("data-merged") == "true"))).toBe(true)
      await page.getByTestId("history-filter").selectOption("all")
    }

    // Clicking the merged entry highlights where it landed and what it was merged with.
    await bob.locator("[data-testid=history-entry][data-merged=true]").first().getByRole("button").first().click()
    await bob.getByTestId("editor").locator(".history-landed", { hasText: "!!!" }).waitFor()
    await bob.getByTestId("editor").locator(".history-concurrent").first().waitFor()

    await scrubTo(bob, before)
    expect(await bob.getByTestId("version-preview").locator(".ProseMirror").textContent()).toBe("Hello world")
    // Ada wrote all of it: her CSS highlight (the legend names it) covers the text, and hovering it names her.
    const preview = bob.getByTestId("version-preview")
    const highlight = await preview.locator(".version-legend-item", { hasText: "Ada" }).getAttribute("data-highlight")
    expect(await bob.evaluate(name => [...(CSS.highlights.get(name ?? "") ?? [])].map(piece => {
      const range = document.createRange()
      range.setStart(piece.startContainer, piece.startOffset)
      range.setEnd(piece.endContainer, piece.endOffset)
      return range.toString()
    }).join(""), highlight)).toBe("Hello world")
    const box = (await preview.locator(".version-document p").first().boundingBox())!
    await bob.mouse.move(box.x + 12, box.y + box.height / 2)
    await preview.locator(".version-mount[title='Written by Ada']").waitFor()
    await bob.mouse.move(0, 0)
    await scrubTo(bob, before + 1)
    expect(await bob.getByTestId("version-preview").locator(".ProseMirror").textContent()).not.toBe("Hello world")
    // The version before's ranges are gone: every range lies in the text now drawn, and Ada's still covers her words.
    expect(await bob.evaluate(name => {
      const pieces = [...CSS.highlights.values()].flatMap(highlight => [...highlight])
      const drawn = document.querySelector("[data-testid=version-preview] .version-document")!
      const ada = [...(CSS.highlights.get(name ?? "") ?? [])].map(piece => (piece.startContainer as Text).data.slice(piece.startOffset, piece.endOffset)).join("")
      return [pieces.every(piece => drawn.contains(piece.startContainer)), ada.includes("Hello world")]
    }, highlight)).toEqual([true, true])
    await scrubTo(bob, before)
    await bob.getByTestId("restore-version").click()
    await bob.getByTestId("editor").waitFor({ state: "visible" })
    const restored = await waitForConvergence([ada, bob])
    for (const tab of restored) expect(tab.text).toBe("Hello world")
    await ada.locator("[data-testid=history-entry]", { hasText: "Bob" }).first().waitFor()
  })

  it("says who restored which version, at the time shown for that version, also after a reload", async () => {
    const [ada, bob] = await documentWith("Shared notes")
    const earlier = (await readDocument(ada)).version!
    // Ada's next edit comes in a later second, so that the two versions' times differ.
    const committed = await ada.evaluate(() => Date.now())
    await ada.waitForFunction(start => Math.floor(Date.now() / 1000) > Math.floor(start / 1000), committed)
    await placeCaret(ada, 0, "end")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type("More text")
    const [{ version: head }] = await waitForConvergence([ada, bob])
    // The slider ends at the head the panel knows (it follows the ops a little later): at `earlier` it would show the live document.
    await bob.locator(`[data-testid=version-slider][max="${head}"]`).waitFor()

    await scrubTo(bob, earlier)
    await bob.getByTestId("restore-version").click()
    const restored = await waitForConvergence([ada, bob])
    for (const tab of restored) expect(tab.text).toBe("Shared notes")

    const readRestore = async () => {
      const shownTime = await ada.locator(`[data-testid=history-entry][data-version="${earlier}"] .history-time`).textContent()
      const entry = ada.locator("[data-testid=history-entry]", { hasText: "Bob" }).first()
      await entry.waitFor()
      expect(await entry.locator(".history-author").textContent()).toBe("Bob")
      expect(await entry.locator(".history-summary").textContent()).toBe(`restored the version of ${shownTime}`)
      // The version's own time, not the restore's (Ada's later edit came in a later second).
      expect(await entry.locator(".history-time").textContent()).not.toBe(shownTime)
      // The versions are one click away.
      const details = entry.getByTestId("restore-details")
      expect(await details.isVisible()).toBe(false)
      expect(await details.textContent()).toMatch(new RegExp(`^brought back v${earlier} \\(committed .+\\) as v${restored[0].version}$`))
    }
    await readRestore()
    // It is stored with the op: a reload reads it back from the hub's history.
    await ada.reload()
    await ada.getByTestId("history-panel").waitFor()
    await readRestore()
  })

  it("takes no key to the live document while an earlier version shows", async () => {
    const [ada] = await documentWith("First line")
    const earlier = (await readDocument(ada)).version!
    await placeCaret(ada, 0, "end")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type("Second line")
    const [live] = await waitForConvergence([ada])
    await ada.locator(`[data-testid=version-slider][max="${live.version}"]`).waitFor()
    await scrubTo(ada, earlier)
    // Undo, typing and deleting, from the slider and from the page: the browser's own undo included.
    await ada.getByTestId("version-slider").focus()
    await ada.keyboard.press("Control+z")
    await ada.locator("body").click({ position: { x: 5, y: 5 } })
    for (const key of ["Control+z", "Control+z", "x", "Backspace"]) await ada.keyboard.press(key)
    await ada.evaluate(() => document.execCommand("undo"))
    expect(await ada.evaluate(() => document.activeElement?.closest(".ProseMirror") == null)).toBe(true)
    const after = await readDocument(ada)
    expect([after.version, after.text, after.unconfirmed]).toEqual([live.version, live.text, 0])
    await ada.getByTestId("version-exit").click()
    expect((await readDocument(ada)).text).toBe("First lineSecond line")
  })

  it("colours exactly each author's text in a version with marks, a line break and a list", async () => {
    const [ada, bob] = await documentWith("Intro ")
    await ada.keyboard.press("ControlOrMeta+b")
    await ada.keyboard.type("strong")
    await ada.keyboard.press("ControlOrMeta+b")
    await ada.keyboard.press("Shift+Enter")
    await ada.keyboard.type("after break")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type("- item one")
    await ada.keyboard.press("Enter")
    await ada.keyboard.type("item two")
    await waitForTextIncluding(bob, "item two")
    await waitForConvergence([ada, bob])
    await placeCaret(bob, 1, "end")
    await bob.keyboard.type(" Bob")
    // The editor may take the last key in after keyboard.type returns: wait for it to reach Ada.
    await waitForTextIncluding(ada, "item two Bob")
    const [written] = await waitForConvergence([ada, bob])
    expect(blocksOf(written.json).map(b => b.text)).toEqual(["Intro strongafter break", "item oneitem two Bob"])
    expect(textsWithMark(written.json, "strong")).toEqual(["strong"])
    // A version after it, so that the one with Bob's words is a past version.
    await placeCaret(ada, 0, "end")
    await ada.keyboard.type("!")
    await waitForTextIncluding(bob, "after break!")
    await waitForConvergence([ada, bob])

    // The panel draws the new head a render after the document has it: scrub once the slider reaches past it.
    await bob.getByTestId("version-slider").and(bob.locator(`[max="${written.version! + 1}"]`)).waitFor()
    await scrubTo(bob, written.version!)
    const preview = bob.getByTestId("version-preview")
    expect(await preview.locator(".version-document li").count()).toBe(2)
    expect(await preview.locator(".version-document strong").textContent()).toBe("strong")
    expect(await preview.locator(".version-document br").count()).toBeGreaterThan(0)
    const covered = async (name: string) => {
      const highlight = await preview.locator(".version-legend-item", { hasText: name }).getAttribute("data-highlight")
      return bob.evaluate(highlight => [...(CSS.highlights.get(highlight ?? "") ?? [])].map(piece => {
        const range = document.createRange()
        range.setStart(piece.startContainer, piece.startOffset)
        range.setEnd(piece.endContainer, piece.endOffset)
        return range.toString()
      }).join(""), highlight)
    }
    expect(await covered("Ada")).toBe("Intro strongafter breakitem oneitem two")
    expect(await covered("Bob")).toBe(" Bob")
  })

  it("shows a change the merge dropped, with who deleted its place, and restores it", async () => {
    const [ada, bob] = await documentWith("Keep this\nMake this bold")
    await setOffline(ada, true)
    await selectWord(ada, "bold")
    await ada.keyboard.press("ControlOrMeta+b")
    expect(textsWithMark((await readDocument(ada)).json, "strong")).toEqual(["bold"])

    await bob.evaluate(() => {
      const connection = (window as unknown as { __concord: { connection: { state: any; dispatch(tr: unknown): void } } }).__concord.connection
      const doc = connection.state.doc
      connection.dispatch(connection.state.tr.delete(doc.child(0).nodeSize, doc.content.size))
    })
    await waitForConvergence([bob])
    await setOffline(ada, false)
    const [doc] = await waitForConvergence([ada, bob])
    expect(blocksOf(doc.json).map(b => b.text)).toEqual(["Keep this"])

    for (const page of [ada, bob]) {
      const dropped = page.getByTestId("dropped-step").first()
      await dropped.waitFor()
      expect(await dropped.textContent()).toContain("bold on 'bold' could not be applied: Bob deleted the paragraph it was in")
    }
    await ada.getByTestId("restore-dropped").first().click()
    const [after] = await waitForConvergence([ada, bob])
    expect(blocksOf(after.json).map(b => b.text)).toEqual(["Keep this", "bold"])
    expect(textsWithMark(after.json, "strong")).toEqual(["bold"])
    await ada.getByTestId("restore-dropped").filter({ hasText: "Restored" }).waitFor()
  })
})
