import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import type { Locator, Page } from "playwright-core"
import { everyNodeAndMark, withoutIds } from "../support/every-node"
import { openTab, readDocument, waitForConvergence } from "./support/browser"
import { browserSuite } from "./support/suite"

const suite = browserSuite()

/** Open a tab on a new document (and remember it to close), or on an existing one with `role`'s link. */
async function tab(docId: string, options: Parameters<typeof openTab>[3] = {}): Promise<Page> {
  const page = await openTab(suite.browser, suite.server.url, docId, options)
  suite.tabs.push(page)
  return page
}

/** The text of each top-level block of a tab's document. */
function blocksOfPage(document: { json: unknown }): string[] {
  return ((document.json as { content?: { content?: { text?: string }[] }[] }).content ?? []).map(block => (block.content ?? []).map(inline => inline.text ?? "").join(""))
}

/** Replace the tab's document with `json` as one local transaction, as the editor would. */
async function setDocument(page: Page, json: unknown): Promise<void> {
  await page.evaluate(json => {
    type State = { doc: { content: { size: number } }; schema: { nodeFromJSON(json: unknown): { content: unknown } }; tr: { replaceWith(from: number, to: number, content: unknown): unknown } }
    const connection = (window as unknown as { __concord: { connection: { state: State; dispatch(tr: unknown): void } } }).__concord.connection
    const state = connection.state
    connection.dispatch(state.tr.replaceWith(0, state.doc.content.size, state.schema.nodeFromJSON(json).content))
  }, json)
}

/** Choose an item of the tab's Document menu with the mouse. */
async function chooseFromMenu(page: Page, item: string): Promise<void> {
  await page.getByTestId("document-menu").click()
  await page.getByTestId(`document-${item}`).click()
}

/** Export the tab's document in `format` through the Document menu: the downloaded file's name and text. */
async function exportAs(page: Page, format: "markdown" | "html" | "text"): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent("download")
  await chooseFromMenu(page, `export-${format}`)
  const file = await download
  return { name: file.suggestedFilename(), text: readFileSync(await file.path()!, "utf8") }
}

/** Import a file through the Document menu's file chooser. */
async function importFile(page: Page, name: string, mimeType: string, text: string): Promise<void> {
  const chooser = page.waitForEvent("filechooser")
  await chooseFromMenu(page, "import")
  await (await chooser).setFiles({ name, mimeType, buffer: Buffer.from(text) })
}

/** The tab's document without block ids, once every block has one. */
async function documentWithoutIds(page: Page): Promise<unknown> {
  return withoutIds((await readDocument(page)).json)
}

/** The block ids of the tab's document, in document order. */
async function blockIds(page: Page): Promise<unknown[]> {
  const ids: unknown[] = []
  JSON.stringify((await readDocument(page)).json, (key, value) => {
    if (key == "id") ids.push(value)
    return value
  })
  return ids
}

/** The relative luminance (0 dark to 1 light) of a CSS rgb() colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map(c => {
    const v = c / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

async function colorsOf(locator: Locator): Promise<{ background: number; text: number }> {
  const { background, color } = await locator.evaluate(element => {
    const style = getComputedStyle(element)
    return { background: style.backgroundColor, color: style.color }
  })
  return { background: luminance(background), text: luminance(color) }
}

describe("export, import and print", () => {
  it("exports a document of every node and mark as Markdown and HTML, and importing either gives the same document, shared and undoable", async () => {
    const source = await tab(`io-source-${Date.now()}`, { create: true })
    await setDocument(source, everyNodeAndMark().toJSON())
    await source.getByTestId("title-field").fill("Every node")
    await source.getByTestId("title-field").press("Enter")
    await expect.poll(async () => ((await readDocument(source)).json as { attrs: { title: string } }).attrs.title).toBe("Every node")
    const [exported] = await waitForConvergence([source])
    const expected = withoutIds(exported.json) as { attrs: { title: string } }
    expect(expected).toEqual(withoutIds(everyNodeAndMark().type.create({ title: "Every node" }, everyNodeAndMark().content)))
    // Markdown carries no title: its import is the same text, and the document keeps its own title.
    const untitled = { ...expected, attrs: { ...expected.attrs, title: "" } }

    const markdown = await exportAs(source, "markdown")
    expect(markdown.name).toBe("Every node.md")
    expect(markdown.text).toContain("~~struck~~")
    const html = await exportAs(source, "html")
    expect(html.name).toBe("Every node.html")
    expect(html.text).toMatch(/^<!doctype html>/)
    expect(html.text).toContain("<title>Every node</title>")
    expect(html.text).not.toContain("data-id")
    const text = await exportAs(source, "text")
    expect(text.name).toBe("Every node.txt")
    expect(text.text).toContain("3. third\n4. fourth")

    const targetId = `io-target-${Date.now()}`
    const target = await tab(targetId, { create: true })
    const other = await tab(targetId)
    const empty = await documentWithoutIds(target)

    await importFile(target, markdown.name, "text/markdown", markdown.text)
    await expect.poll(() => documentWithoutIds(target)).toEqual(untitled)
    const [afterImport, seenByOther] = await waitForConvergence([target, other])
    expect(withoutIds(seenByOther.json)).toEqual(untitled)
    expect(afterImport.version).toBe(seenByOther.version)
    const ids = await blockIds(target)
    expect(ids.every(id => typeof id == "string")).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    const sourceIds = new Set(await blockIds(source))
    expect(ids.some(id => sourceIds.has(id))).toBe(false)

    // One edit: one undo takes the whole import back, for the other tab too.
    await target.getByTestId("editor").locator(".ProseMirror").focus()
    await target.keyboard.press("Control+z")
    await expect.poll(() => documentWithoutIds(target)).toEqual(empty)
    await waitForConvergence([target, other])
    expect(await documentWithoutIds(other)).toEqual(empty)

    // HTML carries the title too: the untitled document takes it, with the text, as one edit.
    await importFile(target, html.name, "text/html", html.text)
    await expect.poll(() => documentWithoutIds(target)).toEqual(expected)
    await waitForConvergence([target, other])
    expect(await documentWithoutIds(other)).toEqual(expected)
    await expect.poll(() => other.getByTestId("title-field").inputValue()).toBe("Every node")
    await target.getByTestId("editor").locator(".ProseMirror").focus()
    await target.keyboard.press("Control+z")
    await expect.poll(() => documentWithoutIds(target)).toEqual(empty)
  })

  it("imports a file longer than one message on an OT document, which the other tab receives, and exports it whole", async () => {
    const docId = `io-long-${Date.now()}`
    const target = await tab(docId, { create: true })
    const other = await tab(docId, { role: "edit" })
    // 6,000 paragraphs, some 550 KB of text: more than an import could hold as one edit.
    const text = Array.from({ length: 6_000 }, (_, i) => `Paragraph ${i + 1} of a long file, with words enough to fill a line of text.`).join("\n\n")
    await importFile(target, "long.md", "text/markdown", text)
    const [imported] = await waitForConvergence([target, other])
    const blocks = blocksOfPage(imported)
    expect(blocks).toHaveLength(6_000)
    expect(blocks[5_999]).toBe("Paragraph 6000 of a long file, with words enough to fill a line of text.")
    const markdown = await exportAs(other, "markdown")
    expect(markdown.text).toBe(text + "\n")
  })

  it("takes an import and the title it brought back with the toolbar's Undo, under every strategy", async () => {
    const page = `<!doctype html><html><head><title>Imported page</title></head><body><h2>Imported</h2><p>New text</p></body></html>`
    for (const strategy of ["ot", "lww", "vv", "crdt"] as const) {
      const target = await tab(`io-undo-${strategy}-${Date.now()}`, { create: true, strategy })
      const editor = target.getByTestId("editor").locator(".ProseMirror")
      await editor.click()
      await target.keyboard.type("Original text", { delay: 20 })
      await expect.poll(() => target.getByTestId("tb-undo").getAttribute("aria-disabled"), { message: strategy }).toBeNull()
      await waitForConvergence([target])
      await importFile(target, "page.html", "text/html", page)
      await expect.poll(async () => (await readDocument(target)).text, { message: strategy }).toBe("ImportedNew text")
      await expect.poll(() => target.getByTestId("title-field").inputValue(), { message: strategy }).toBe("Imported page")
      await target.getByTestId("tb-undo").click()
      await expect.poll(async () => (await readDocument(target)).text, { message: strategy }).toBe("Original text")
      await expect.poll(() => target.getByTestId("title-field").inputValue(), { message: strategy }).toBe("")
      await target.getByTestId("tb-redo").click()
      await expect.poll(async () => (await readDocument(target)).text, { message: strategy }).toBe("ImportedNew text")
    }
  })

  it("keeps the text of what the schema has no node for: a table's rows, an image's description, a details element's summary", async () => {
    const target = await tab(`io-unsupported-${Date.now()}`, { create: true })
    await importFile(target, "page.html", "text/html", `<html><body>
      <table><tr><th>H1</th><th>H2</th></tr><tr><td>c1</td><td><b>c2</b></td></tr></table>
      <p>See <img src="https://example.com/chart.png" alt="the chart"> here<img src="x.png"></p>
      <details><summary>Summary</summary><p>Hidden text</p></details></body></html>`)
    await expect.poll(async () => blocksOfPage(await readDocument(target))).toEqual(["H1 | H2", "c1 | c2", "See the chart here", "Summary", "Hidden text"])
    const json = JSON.stringify((await readDocument(target)).json)
    expect(json).toContain('"href":"https://example.com/chart.png"')
  })

  it("drops scripts, event handlers and javascript: links from imported and pasted HTML, and pastes Markdown as formatted text", async () => {
    const page = await tab(`io-sanitize-${Date.now()}`, { create: true })
    const hostile = '<p>safe <a href="javascript:window.__hostile=1">js link</a> <img src="x" onerror="window.__hostile=2">' +
      '<script>window.__hostile=3</script><a href="https://ok.example/">ok</a> <a href="JaVaScRiPt:window.__hostile=4">two</a></p>'
    const links = async () => {
      const found: string[] = []
      JSON.stringify((await readDocument(page)).json, (key, value) => {
        if (key == "href") found.push(value)
        return value
      })
      return found
    }
    const editor = page.getByTestId("editor").locator(".ProseMirror")
    const expectClean = async (okLinks: number) => {
      expect(await links()).toEqual(Array(okLinks).fill("https://ok.example/"))
      expect(await editor.locator("img, script").count()).toBe(0)
      expect(await page.evaluate(() => (window as unknown as { __hostile?: number }).__hostile)).toBeUndefined()
    }

    await importFile(page, "hostile.html", "text/html", hostile)
    await expect.poll(async () => (await readDocument(page)).text).toBe("safe js link ok two")
    await expectClean(1)

    const paste = (type: string, data: string) => editor.evaluate((element, [type, data]) => {
      const clipboardData = new DataTransfer()
      clipboardData.setData(type, data)
      element.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }))
    }, [type, data] as const)
    await editor.focus()
    await page.keyboard.press("Control+End")
    await paste("text/html", hostile.replace("safe", "pasted"))
    await expect.poll(async () => (await readDocument(page)).text).toContain("pasted js link ok two")
    await expectClean(2)

    // A heading pasted into an empty paragraph takes its place (one pasted after text joins that text, as in ProseMirror).
    await page.keyboard.press("Control+End")
    await page.keyboard.press("Enter")
    await paste("text/plain", "# Pasted title\n\nsome **bold** and ~~gone~~")
    await expect.poll(async () => (await readDocument(page)).text).toContain("Pasted title")
    const json = JSON.stringify((await readDocument(page)).json)
    expect(json).toMatch(/"type":"heading"[^\]]*"text":"Pasted title"/)
    expect(json).toContain('{"type":"text","marks":[{"type":"strong"}],"text":"bold"}')
    expect(json).toContain('{"type":"text","marks":[{"type":"strike"}],"text":"gone"}')
    await paste("text/plain", "2 * 3 * 4 is plain")
    await expect.poll(async () => (await readDocument(page)).text).toContain("2 * 3 * 4 is plain")

    // Attributes longer than the schema takes are cut or left out, and the rest of the paste stays (it all went, silently).
    const long = "t".repeat(600)
    await paste("text/html", `<p data-id="${"i".repeat(100)}">kept <a href="https://ok.example/" title="${long}">titled</a> after</p>`)
    await expect.poll(async () => (await readDocument(page)).text).toContain("kept titled after")
    await paste("text/plain", `[md titled](https://ok.example/ "${long}") stays`)
    await expect.poll(async () => (await readDocument(page)).text).toContain("md titled stays")
    const titles: string[] = []
    JSON.stringify((await readDocument(page)).json, (key, value) => {
      if (key == "title" && typeof value == "string") titles.push(value)
      return value
    })
    expect(titles.filter(t => t.startsWith("ttt")).map(t => t.length)).toEqual([512, 512])
  })

  it("opens the Document menu from the keyboard, and read-only viewers cannot import", async () => {
    const docId = `io-menu-${Date.now()}`
    const page = await tab(docId, { create: true })
    const button = page.getByTestId("document-menu")
    await button.focus()
    await page.keyboard.press("Enter")
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("document-export-markdown")
    await page.keyboard.press("ArrowDown")
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("document-export-html")
    await page.keyboard.press("ArrowUp")
    await page.keyboard.press("ArrowUp")
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("document-import")
    await page.keyboard.press("Escape")
    await page.getByRole("menu").waitFor({ state: "detached" })
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("document-menu")
    expect(await button.getAttribute("aria-expanded")).toBe("false")
    await page.keyboard.press(" ")
    await page.getByRole("menu").waitFor()
    expect(await page.getByTestId("document-import").getAttribute("aria-disabled")).toBeNull()
    await page.keyboard.press("Escape")
    await page.getByRole("menu").waitFor({ state: "detached" })

    const viewer = await tab(docId, { role: "view" })
    await viewer.getByTestId("document-menu").click()
    expect(await viewer.getByTestId("document-import").getAttribute("aria-disabled")).toBe("true")
    let chose = false
    viewer.on("filechooser", () => void (chose = true))
    await viewer.getByTestId("document-import").click({ force: true })
    expect(await viewer.getByRole("menu").isVisible()).toBe(true)
    expect(chose).toBe(false)
    await viewer.getByTestId("document-export-text").waitFor()
  })

  it("prints the text only", async () => {
    const page = await tab(`io-print-${Date.now()}`, { create: true })
    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("Printed words")
    await page.emulateMedia({ media: "print" })
    for (const selector of [".doc-header", ".toolbar-bar", ".doc-status"])
      await page.locator(selector).waitFor({ state: "hidden" })
    await page.getByTestId("editor").getByText("Printed words").waitFor({ state: "visible" })
    await page.emulateMedia({ media: "screen" })
    await page.locator(".toolbar-bar").waitFor({ state: "visible" })
  })
})

describe("word count and dark mode", () => {
  it("shows the words and characters and updates them as the document changes", async () => {
    const page = await tab(`io-count-${Date.now()}`, { create: true })
    const count = page.getByTestId("word-count")
    await count.filter({ hasText: "0 words · 0 characters" }).waitFor()
    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("Hello brave new world")
    await count.filter({ hasText: "4 words · 21 characters" }).waitFor()
    await page.keyboard.press("Enter")
    await page.keyboard.type("again")
    await count.filter({ hasText: "5 words · 26 characters" }).waitFor()
    // A paragraph in Hebrew runs right to left, the others stay left to right; an emoji with a skin tone is one character.
    await page.keyboard.press("Enter")
    await page.keyboard.type("שלום עולם 👍🏽")
    await count.filter({ hasText: "7 words · 37 characters" }).waitFor()
    const directions = await page.locator(".ProseMirror > p").evaluateAll(blocks => blocks.map(block => getComputedStyle(block).direction))
    expect(directions).toEqual(["ltr", "ltr", "rtl"])
  })

  it("follows the system's dark colour scheme on the home, document, history and lab pages", async () => {
    const page = await tab(`io-dark-${Date.now()}`, { create: true })
    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("Dark text")
    await waitForConvergence([page])
    const light = await colorsOf(page.locator("body"))
    expect(light.background).toBeGreaterThan(0.8)
    await page.emulateMedia({ colorScheme: "dark" })
    for (const locator of [page.locator("body"), page.locator(".page"), page.getByTestId("editor").locator(".ProseMirror"), page.locator(".doc-header")]) {
      await expect.poll(() => colorsOf(locator).then(colors => colors.background)).toBeLessThan(0.05)
      const colors = await colorsOf(locator)
      expect(colors.text).toBeGreaterThan(0.6)
    }
    // The panel is open by default at this width.
    await page.getByTestId("history-panel").waitFor()
    expect((await colorsOf(page.getByTestId("history-panel"))).background).toBeLessThan(0.05)
    for (const path of ["/", "/lab"]) {
      await page.goto(path)
      await page.locator("main, .lab").first().waitFor()
      const colors = await colorsOf(page.locator("body"))
      expect(colors.background, path).toBeLessThan(0.05)
      expect(colors.text, path).toBeGreaterThan(0.6)
    }
  })
})
