import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { browserSuite } from "./support/suite"
import { openTab, waitForConvergence, waitForOnline, type TabOptions } from "./support/browser"
import { createTestDocument, linkOf } from "./support/document-links"

// Document titles (#23): shared between tabs, shown in the tab's title and on the documents page.

const suite = browserSuite()

async function open(docId: string, options: TabOptions = {}): Promise<Page> {
  const page = await openTab(suite.browser, suite.server.url, docId, options)
  suite.tabs.push(page)
  return page
}

/** Record what the page copies (the Clipboard API's writeText) in window.__copied, from the next page load on. */
async function recordCopies(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    Object.defineProperty(navigator, "clipboard", {
      value: { writeText: async (text: string) => { (window as unknown as { __copied: string }).__copied = text } }
    })
  })
}

describe("document titles", () => {
  it("are shared between tabs, shown in the tab's title, and listed on the documents page with search, copy link and remove", async () => {
    const docId = `titles-${Date.now()}`
    const ada = await open(docId, { create: true, name: "Ada" })
    const bob = await open(docId, { name: "Bob" })
    await ada.getByTestId("editor").locator(".ProseMirror").click()
    await ada.keyboard.type("Agenda first")
    await bob.getByTestId("editor").locator(".ProseMirror").getByText("Agenda first").waitFor()
    await bob.getByTestId("editor").locator(".ProseMirror").click()
    await bob.keyboard.press("End")
    await bob.keyboard.type(", then lunch")
    // Until it has a title, the tab is named after the first line.
    await ada.waitForFunction(() => document.title == "Agenda first, then lunch · Concord")

    const field = ada.getByTestId("title-field")
    await expect(field.getAttribute("placeholder")).resolves.toBe("Untitled document")
    await expect(field.getAttribute("aria-label")).resolves.toBe("Document title")
    const [{ version: unnamed }] = await waitForConvergence([ada, bob])
    await field.fill("Quarterly plan")
    await field.press("Enter")
    await bob.waitForFunction(() => (document.querySelector("[data-testid=title-field]") as HTMLInputElement).value == "Quarterly plan")
    // One rename: the field's blur after Enter does not commit it again.
    const [{ version: named }] = await waitForConvergence([ada, bob])
    expect(named).toBe(unnamed! + 1)
    await bob.waitForFunction(() => document.title == "Quarterly plan · Concord")
    // Escape puts the shared title back instead of renaming.
    await field.fill("Never mind")
    await field.press("Escape")
    await expect(field.inputValue()).resolves.toBe("Quarterly plan")

    // A second document in Ada's browser, so that the search has one to leave out.
    const other = `titles-other-${Date.now()}`
    await createTestDocument(suite.server.url, other)
    await ada.goto(`/d/${other}#${linkOf(other, "edit")}`)
    await waitForOnline(ada)
    await ada.getByTestId("title-field").fill("Lunch menu")
    await ada.getByTestId("title-field").press("Enter")
    await ada.waitForFunction(() => document.title == "Lunch menu · Concord")

    await recordCopies(ada)
    await ada.goto("/documents")
    const item = ada.locator(`[data-testid=documents-item][data-doc-id="${docId}"]`)
    await item.getByTestId("documents-title").getByText("Quarterly plan").waitFor()
    const detail = item.getByTestId("documents-detail")
    await detail.getByText(/Edited .* by Ada, Bob|Edited .* by Bob, Ada/).waitFor()
    await expect(detail.textContent()).resolves.toContain("Merges every edit")
    await expect(detail.locator("time").getAttribute("datetime")).resolves.toMatch(/^\d{4}-\d\d-\d\dT/)
    await expect(ada.getByTestId("documents-item").count()).resolves.toBe(2)

    await ada.getByTestId("documents-search").fill("quarterly")
    await ada.waitForFunction(() => document.querySelectorAll("[data-testid=documents-item]").length == 1)
    await expect(ada.getByTestId("documents-title").textContent()).resolves.toBe("Quarterly plan")
    await ada.getByTestId("documents-search").fill("")
    await ada.waitForFunction(() => document.querySelectorAll("[data-testid=documents-item]").length == 2)

    // Copy link copies the link to share (the edit link), never the owner link while the browser holds another.
    await expect(item.getByTestId("documents-copy").textContent()).resolves.toBe("Copy edit link of Quarterly plan")
    await item.getByTestId("documents-copy").click()
    await item.getByTestId("documents-copy").getByText("Copied").waitFor()
    await expect(ada.evaluate(() => (window as unknown as { __copied?: string }).__copied)).resolves.toBe(`${suite.server.url}/d/${docId}#${linkOf(docId, "edit")}`)

    await item.getByTestId("documents-remove").click()
    await item.waitFor({ state: "detached" })
    await expect(ada.getByTestId("documents-item").count()).resolves.toBe(1)
    await ada.reload()
    await ada.getByTestId("documents-item").first().waitFor()
    await expect(ada.locator(`[data-testid=documents-item][data-doc-id="${docId}"]`).count()).resolves.toBe(0)
  })

  it("are shared between tabs of a CRDT document, and survive a reload", async () => {
    const docId = `titles-crdt-${Date.now()}`
    const ada = await open(docId, { create: true, strategy: "crdt", name: "Ada" })
    const bob = await open(docId, { name: "Bob" })
    await ada.getByTestId("title-field").fill("Yjs notes")
    await ada.getByTestId("title-field").press("Enter")
    await bob.waitForFunction(() => (document.querySelector("[data-testid=title-field]") as HTMLInputElement).value == "Yjs notes")
    await bob.waitForFunction(() => document.title == "Yjs notes · Concord")
    await bob.reload()
    await waitForOnline(bob)
    await bob.waitForFunction(() => (document.querySelector("[data-testid=title-field]") as HTMLInputElement | null)?.value == "Yjs notes")
  })

  it("list a document nobody has edited as created, not edited; an address that matches no page leads to the documents", async () => {
    const docId = `titles-untouched-${Date.now()}`
    const page = await open(docId, { create: true })
    await page.goto("/documents")
    const detail = page.locator(`[data-testid=documents-item][data-doc-id="${docId}"]`).getByTestId("documents-detail")
    await detail.getByText(/Created .*, not edited yet/).waitFor()
    expect(await detail.textContent()).not.toContain("Edited")
    await page.goto("/no/such/page")
    await page.getByRole("heading", { name: "Page not found" }).waitFor()
    await page.getByRole("link", { name: "Concord" }).click()
    await page.waitForURL("**/documents")
  })
})
