import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import type * as Axe from "axe-core"
import { openTab } from "./support/browser"
import { browserSuite } from "./support/suite"

const suite = browserSuite()
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

/** A violation as the test reports it: the rule, its impact and the first elements it found. */
interface Found {
  rule: string
  impact: string
  help: string
  elements: string[]
}

/**
 * Run axe-core on the page as it is (after its colour transitions end) and return the violations of
 * impact "serious" or "critical": of the rules in `only` (all by default) but those in `skip`, outside the
 * elements that match the selectors in `exclude`.
 */
async function seriousViolations(page: Page): Promise<Found[]> {
  await page.waitForFunction(() => document.getAnimations().every(animation => animation.playState != "running"))
  // Evaluated rather than added as a script tag, which the app's Content-Security-Policy refuses.
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof Axe }).axe
    const result = await axe.run(document, { resultTypes: ["violations"] })
    return result.violations
      .filter(violation => violation.impact == "serious" || violation.impact == "critical")
      .map(violation => ({
        rule: violation.id,
        impact: violation.impact ?? "",
        help: violation.help,
        elements: violation.nodes.slice(0, 10).map(node => `${node.target.join(" ")}: ${node.failureSummary?.split("\n")[1]?.trim() ?? ""}`)
      }))
  })
}

describe("accessibility", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`home, document, documents and lab pages have no serious or critical axe violations in the ${colorScheme} scheme`, async () => {
      const page = await openTab(suite.browser, suite.server.url, `a11y-${colorScheme}-${Date.now()}`, { create: true, name: "Ada Lovelace" })
      suite.tabs.push(page)
      await page.emulateMedia({ colorScheme })
      const found: Record<string, Found[]> = {}
      await page.getByTestId("editor").locator(".ProseMirror").click()
      await page.keyboard.type("# Meeting notes\nWe ship on Friday.\n* Release notes\n")
      found.document = await seriousViolations(page)

      await page.getByTestId("tb-link").click()
      await page.getByTestId("link-dialog").waitFor()
      await page.keyboard.type("javascript:alert(1)")
      await page.keyboard.press("Enter")
      await page.getByTestId("link-error").waitFor()
      found.linkDialog = await seriousViolations(page)
      await page.keyboard.press("Escape")

      await page.goto("/")
      await page.getByTestId("recent-documents").getByText("Meeting notes").waitFor()
      found.home = await seriousViolations(page)

      await page.goto("/documents")
      await page.getByTestId("documents-detail").getByText(/Edited/).waitFor()
      found.documents = await seriousViolations(page)

      await page.goto("/lab")
      await page.getByTestId("lab-run").waitFor()
      found.lab = await seriousViolations(page)
      expect(found).toEqual({ document: [], linkDialog: [], home: [], documents: [], lab: [] })
    })
  }

  it("tabs through the document header in the order it reads: the title, Document and Share, then the row below", async () => {
    const page = await openTab(suite.browser, suite.server.url, `a11y-order-${Date.now()}`, { create: true, name: "Ada Lovelace" })
    suite.tabs.push(page)
    await page.getByTestId("title-field").focus()
    const order: string[] = []
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press("Tab")
      order.push(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? ""))
    }
    expect(order.slice(0, 2)).toEqual(["document-menu", "share-button"])
    // What follows sits on the row below, left of nothing above it.
    const rows = await page.evaluate(() => ["share-button", "history-toggle"].map(id => document.querySelector(`[data-testid=${id}]`)!.getBoundingClientRect().top))
    expect(rows[1]).toBeGreaterThan(rows[0])
  })

  it("announces the connection only, stills its pulse for reduced motion, and on a phone shows the history panel it opens", async () => {
    const page = await openTab(suite.browser, suite.server.url, `a11y-phone-${Date.now()}`, { create: true, name: "Ada", mobile: true, viewport: { width: 390, height: 844 } })
    suite.tabs.push(page)
    await page.emulateMedia({ reducedMotion: "reduce" })
    const editor = page.getByTestId("editor").locator(".ProseMirror")
    await editor.click()
    const announced = page.locator("[role=status][aria-live]").filter({ hasText: /online|offline|connecting|reconnecting/ })
    const texts = new Set<string>()
    for (const key of "Hello") {
      await page.keyboard.type(key)
      texts.add((await announced.textContent())!.trim())
    }
    expect([...texts]).toEqual(["online"])
    // Typing leaves the toolbar where it is: the count of edits on their way is not shown on a phone.
    const toolbarTop = await page.locator(".toolbar-bar").evaluate(bar => bar.getBoundingClientRect().top)
    await page.keyboard.type(" world", { delay: 30 })
    expect(await page.locator(".toolbar-bar").evaluate(bar => bar.getBoundingClientRect().top)).toBe(toolbarTop)
    // Without a network the pill says offline; the pulse of a connection being made is still.
    await page.context().setOffline(true)
    await page.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
    await page.context().setOffline(false)
    await page.getByTestId("connection-status").filter({ hasText: /connecting|online/ }).waitFor()
    await page.evaluate(() => document.querySelector(".status")!.classList.replace("status-online", "status-reconnecting"))
    expect(await page.evaluate(() => document.getAnimations().filter(a => a.playState == "running").length)).toBe(0)
    await page.getByTestId("history-toggle").tap()
    await page.getByTestId("history-panel").waitFor()
    // Below the editor, it is brought into view whole.
    await expect.poll(() => page.getByTestId("history-panel").evaluate(panel => panel.getBoundingClientRect().bottom)).toBeLessThanOrEqual(844)
  })

  it("keeps the focus where a keyboard user is: in the Share panel and its confirmations, and on the slider after leaving an earlier version", async () => {
    const page = await openTab(suite.browser, suite.server.url, `a11y-focus-${Date.now()}`, { create: true, name: "Ada" })
    suite.tabs.push(page)
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.textContent ?? "")
    const inPanel = () => page.evaluate(() => !!document.activeElement?.closest("[data-testid=share-panel]"))
    await page.getByTestId("share-button").focus()
    await page.keyboard.press("Enter")
    await page.getByTestId("share-panel").waitFor()
    await expect.poll(inPanel).toBe(true)
    await page.keyboard.press("Escape")
    await expect.poll(focused).toBe("share-button")
    await page.keyboard.press("Enter")
    await page.getByTestId("share-edit-revoke").focus()
    await page.keyboard.press("Enter")
    await expect.poll(focused).toBe("Cancel")
    await page.keyboard.press("Enter")
    await expect.poll(focused).toBe("share-edit-reissue")
    await page.keyboard.press("Escape")

    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("One two")
    await page.getByTestId("history-panel").waitFor()
    const slider = page.getByTestId("version-slider")
    await slider.focus()
    await page.keyboard.press("ArrowLeft")
    expect(await slider.getAttribute("aria-valuetext")).toMatch(/^Version \d+ of \d+$/)
    await page.getByTestId("version-exit").focus()
    await page.keyboard.press("Enter")
    await expect.poll(focused).toBe("version-slider")

    // The colour swatch takes a finger's 24 px, though it draws 16.
    const hits = await page.locator(".name-swatch").evaluate(swatch => {
      const r = swatch.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2
      return [[x - 11.5, y], [x + 11.5, y], [x, y - 11.5], [x, y + 11.5]].map(([px, py]) => document.elementFromPoint(px, py) === swatch)
    })
    expect(hits).toEqual([true, true, true, true])
    // It says which colour one has, and says the next one once pressed.
    const swatch = page.getByTestId("name-swatch")
    const before = await swatch.getAttribute("aria-label")
    expect(before).toMatch(/^Your colour: [a-z]+\. Change it$/)
    await swatch.click()
    await expect.poll(() => swatch.getAttribute("aria-label")).not.toBe(before)
    expect(await swatch.getAttribute("aria-label")).toMatch(/^Your colour: [a-z]+\. Change it$/)
  })
})
