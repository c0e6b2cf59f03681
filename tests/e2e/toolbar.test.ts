import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { openTab, readDocument } from "./support/browser"
import type { NodeJSON } from "./support/doc-json"
import { textsWithMark } from "./support/doc-json"
import { browserSuite } from "./support/suite"

const suite = browserSuite()

/** The test id of the focused element, or its tag name when it has none. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement
    return element?.getAttribute("data-testid") ?? element?.tagName.toLowerCase() ?? "none"
  })
}

/** Whether the focus is in the editor's text. */
function editorFocused(page: Page): Promise<boolean> {
  return page.evaluate(() => !!document.activeElement?.closest(".ProseMirror"))
}

/** The addresses of the links in a document, with their text. */
function linksOf(doc: unknown): { text: string; href: unknown }[] {
  const found: { text: string; href: unknown }[] = []
  const visit = (node: NodeJSON) => {
    const link = node.marks?.find(mark => mark.type == "link")
    if (node.text != null && link) found.push({ text: node.text, href: link.attrs?.href })
    node.content?.forEach(visit)
  }
  visit(doc as NodeJSON)
  return found
}

/** Press `key` (Shift and an arrow) `count` times, then wait for ProseMirror to hold a selection of `count` characters. */
async function selectWithKeys(page: Page, key: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await page.keyboard.press(key)
  // ProseMirror reads a keyboard selection on the next selectionchange: a click on the toolbar before that acts on the old one.
  await page.waitForFunction(count => {
    const state = (window as unknown as { __concord?: { connection: { state: { selection: { from: number; to: number } } | null } } }).__concord?.connection.state
    return !!state && state.selection.to - state.selection.from == count
  }, count)
}

/** Open a new document, type `text` and select its last `select` characters with the keyboard. */
async function documentWith(text: string, select: number, options: { viewport?: { width: number; height: number }; mobile?: boolean; name?: string } = {}): Promise<Page> {
  const page = await openTab(suite.browser, suite.server.url, `toolbar-${Date.now()}`, { create: true, ...options })
  suite.tabs.push(page)
  await page.getByTestId("editor").locator(".ProseMirror").click()
  await page.keyboard.type(text)
  await selectWithKeys(page, "Shift+ArrowLeft", select)
  return page
}

describe("toolbar keyboard", () => {
  it("is one tab stop, moves with the arrow keys, Home and End, and Enter on Bold bolds the selection", async () => {
    const page = await documentWith("Hello world", 5)
    const toolbar = page.getByRole("toolbar", { name: "Formatting" })
    await expect(toolbar.locator('[tabindex="0"]').count()).resolves.toBe(1)

    await page.keyboard.press("Shift+Tab")
    expect(await focused(page)).toBe("tb-undo")
    await page.keyboard.press("Shift+Tab")
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="toolbar"]'))).toBe(false)
    await page.keyboard.press("Tab")
    expect(await focused(page)).toBe("tb-undo")

    await page.keyboard.press("ArrowRight")
    // Redo has nothing to redo: it is disabled but stays focusable, as in WAI-ARIA's toolbar example.
    expect(await focused(page)).toBe("tb-redo")
    await expect(page.getByTestId("tb-redo").getAttribute("aria-disabled")).resolves.toBe("true")
    await page.keyboard.press("ArrowLeft")
    expect(await focused(page)).toBe("tb-undo")
    await page.keyboard.press("ArrowLeft")
    expect(await focused(page)).toBe("tb-codeblock")
    await page.keyboard.press("ArrowRight")
    expect(await focused(page)).toBe("tb-undo")
    await page.keyboard.press("End")
    expect(await focused(page)).toBe("tb-codeblock")
    await page.keyboard.press("Home")
    expect(await focused(page)).toBe("tb-undo")
    await expect(toolbar.locator('[tabindex="0"]').count()).resolves.toBe(1)

    while ((await focused(page)) != "tb-bold") await page.keyboard.press("ArrowRight")
    await expect(toolbar.locator('[tabindex="0"]').getAttribute("data-testid")).resolves.toBe("tb-bold")
    await page.keyboard.press("Enter")
    await page.waitForFunction(() => document.querySelector('[data-testid="tb-bold"]')?.getAttribute("aria-pressed") == "true")
    expect(textsWithMark((await readDocument(page)).json, "strong")).toEqual(["world"])
    expect(await editorFocused(page)).toBe(true)

    // Leaving and coming back lands on the button used last.
    await page.keyboard.press("Shift+Tab")
    expect(await focused(page)).toBe("tb-bold")
  })
})

describe("link dialog", () => {
  it("takes Ctrl+Shift+Z with nothing to redo as nothing, also when the key comes as a lowercase z", async () => {
    const page = await documentWith("first second", 0)
    await expect.poll(async () => (await readDocument(page)).text).toBe("first second")
    // Caps Lock, or a keyboard that sends the letter unshifted: prosemirror-keymap then tried Ctrl+Z.
    await page.keyboard.press("Control+Shift+z")
    await page.keyboard.press("Control+Shift+Z")
    await page.keyboard.type("!")
    await expect.poll(async () => (await readDocument(page)).text).toBe("first second!")
  })

  it("links the selected text, refuses a javascript: address with a visible error, and Escape cancels", async () => {
    const page = await documentWith("Read the docs", 4)
    await page.getByTestId("tb-link").click()
    const dialog = page.getByRole("dialog", { name: "Add link" })
    await dialog.waitFor()
    expect(await focused(page)).toBe("link-address")

    await page.keyboard.type("javascript:alert(1)")
    await page.keyboard.press("Enter")
    await page.getByTestId("link-error").waitFor({ state: "visible" })
    await expect(page.getByTestId("link-address").getAttribute("aria-invalid")).resolves.toBe("true")
    expect(linksOf((await readDocument(page)).json)).toEqual([])

    await page.getByTestId("link-address").fill("example.com/docs")
    await page.keyboard.press("Enter")
    await dialog.waitFor({ state: "detached" })
    await page.waitForFunction(() => document.querySelector(".ProseMirror a") != null)
    expect(linksOf((await readDocument(page)).json)).toEqual([{ text: "docs", href: "https://example.com/docs" }])
    expect(await editorFocused(page)).toBe(true)

    // "Read", by a double click: ProseMirror, on getting the focus back, puts its own selection (the
    // link's) back into the page 20 ms later (prosemirror-view's focus handler), undoing keys a test presses sooner.
    await page.getByTestId("editor").locator(".ProseMirror p").dblclick({ position: { x: 4, y: 8 } })
    await page.waitForFunction(() => {
      const state = (window as unknown as { __concord?: { connection: { state: { selection: { from: number; to: number } } | null } } }).__concord?.connection.state
      return !!state && state.selection.from == 1 && state.selection.to == 5
    })
    await page.getByTestId("tb-link").click()
    await dialog.waitFor()
    await page.keyboard.type("https://example.org")
    await page.keyboard.press("Escape")
    await dialog.waitFor({ state: "detached" })
    expect(await editorFocused(page)).toBe(true)
    expect(linksOf((await readDocument(page)).json)).toEqual([{ text: "docs", href: "https://example.com/docs" }])
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe("Read")

    // On a link, the dialog shows its address and can remove it.
    await page.keyboard.press("End")
    await page.getByTestId("tb-link").click()
    await page.getByRole("dialog", { name: "Edit link" }).waitFor()
    await expect(page.getByTestId("link-address").inputValue()).resolves.toBe("https://example.com/docs")
    await page.getByTestId("link-remove").click()
    await page.waitForFunction(() => document.querySelector(".ProseMirror a") == null)
    expect(linksOf((await readDocument(page)).json)).toEqual([])
  })
})

describe("phone toolbar", () => {
  const viewport = { width: 390, height: 844 }

  /** Check that `locator`'s element is visible and wholly inside the viewport. */
  async function expectOnScreen(page: Page, testId: string): Promise<void> {
    const box = await page.getByTestId(testId).boundingBox()
    expect(box, `${testId} is not shown`).not.toBeNull()
    const inside = box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= viewport.width && box!.y + box!.height <= viewport.height
    expect(inside, `${testId} at ${JSON.stringify(box)} is not inside ${viewport.width}x${viewport.height}`).toBe(true)
  }

  it("shows the most used buttons and a More menu, all inside the viewport, and the whole name field", async () => {
    const page = await documentWith("Plain words", 5, { viewport, mobile: true, name: "Ada Lovelace" })
    const toolbar = page.getByRole("toolbar", { name: "Formatting" })
    const shown = await toolbar.locator("[data-toolbar-id]").evaluateAll(elements => elements.map(element => element.getAttribute("data-testid")))
    expect(shown).toEqual(["tb-undo", "tb-redo", "tb-h1", "tb-bold", "tb-italic", "tb-link", "tb-bullet", "tb-more"])
    for (const id of shown) await expectOnScreen(page, id!)

    const more = page.getByTestId("tb-more")
    await expect(more.getAttribute("aria-haspopup")).resolves.toBe("menu")
    await expect(more.getAttribute("aria-expanded")).resolves.toBe("false")
    await more.focus()
    await page.keyboard.press("ArrowDown")
    await expect(more.getAttribute("aria-expanded")).resolves.toBe("true")
    const menu = page.getByRole("menu", { name: "More formatting" })
    const items = await menu.getByRole("menuitemcheckbox").evaluateAll(elements => elements.map(element => element.getAttribute("data-testid")))
    expect(items).toEqual(["tb-paragraph", "tb-h2", "tb-h3", "tb-strike", "tb-code", "tb-ordered", "tb-quote", "tb-codeblock"])
    for (const id of items) await expectOnScreen(page, id!)
    // A phone's menu names each command without a desktop keyboard shortcut.
    const names = await menu.getByRole("menuitemcheckbox").allTextContents()
    expect(names.filter(name => /Ctrl|⌘|Shift|Alt/.test(name))).toEqual([])
    expect(names.filter(name => name.endsWith("Strikethrough"))).toHaveLength(1)
    expect(await focused(page)).toBe("tb-paragraph")
    await page.keyboard.press("End")
    expect(await focused(page)).toBe("tb-codeblock")
    await page.keyboard.press("ArrowDown")
    expect(await focused(page)).toBe("tb-paragraph")
    await page.keyboard.press("Escape")
    await menu.waitFor({ state: "detached" })
    expect(await focused(page)).toBe("tb-more")

    // A command from the menu acts on the editor's selection.
    await page.keyboard.press("Enter")
    await page.getByTestId("tb-strike").click()
    await menu.waitFor({ state: "detached" })
    expect(textsWithMark((await readDocument(page)).json, "strike")).toEqual(["words"])

    await expectOnScreen(page, "name-input")
    const name = await page.getByTestId("name-input").evaluate(input => ({ scroll: input.scrollWidth, client: input.clientWidth, value: (input as HTMLInputElement).value }))
    expect(name.value).toBe("Ada Lovelace")
    expect(name.scroll, "the name is cut off in its field").toBeLessThanOrEqual(name.client)
  })
})
