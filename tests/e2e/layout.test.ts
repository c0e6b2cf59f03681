import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import { removeDataDir, type ServerProcess } from "../support/server-process"
import { startUiServer } from "./support/server"
import { closeTab, launchBrowser, openTab, placeCaret, waitForConvergence } from "./support/browser"

const screenshots = fileURLToPath(new URL("../../test-results/", import.meta.url))

const viewports = [
  { name: "desktop", width: 1280, height: 900, mobile: false },
  { name: "phone", width: 390, height: 844, mobile: true }
]

let server: ServerProcess
let browser: Browser

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true })
  ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  if (server) removeDataDir(server.dataDir)
})

/**
 * Check that nothing makes the page scroll sideways at the viewport's width (a phone that zoomed out to
 * fit wide content would report a wider innerWidth, so that is checked too), and save a screenshot.
 */
async function expectFits(page: Page, width: number, file: string): Promise<void> {
  const measure = await page.evaluate(() => {
    const innerWidth = window.innerWidth
    const sticking = [...document.querySelectorAll("body *")]
      .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
      .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`)
    return { innerWidth, scrollWidth: document.documentElement.scrollWidth, sticking: sticking.slice(0, 10) }
  })
  await page.screenshot({ path: screenshots + file })
  expect(measure.innerWidth, file).toBe(width)
  expect(measure.scrollWidth, `${file}: wider than the viewport because of ${measure.sticking.join(", ")}`).toBeLessThanOrEqual(width)
}

/** Check that the clock-skew field's box overlaps neither the presence list nor the Share button. */
async function expectClockClear(page: Page, file: string): Promise<void> {
  const clock = await page.locator(".clock-skew").boundingBox()
  expect(clock, `${file}: no clock field`).not.toBeNull()
  for (const id of ["presence-list", "share-button"]) {
    const other = await page.getByTestId(id).boundingBox()
    expect(other, `${file}: no ${id}`).not.toBeNull()
    const across = Math.min(clock!.x + clock!.width, other!.x + other!.width) - Math.max(clock!.x, other!.x)
    const down = Math.min(clock!.y + clock!.height, other!.y + other!.height) - Math.max(clock!.y, other!.y)
    expect(across > 0 && down > 0, `${file}: the clock field ${JSON.stringify(clock)} overlaps ${id} ${JSON.stringify(other)}`).toBe(false)
  }
}

describe("layout", () => {
  for (const viewport of viewports) {
    it(`home and document pages fit a ${viewport.width}x${viewport.height} viewport`, async () => {
      const size = { width: viewport.width, height: viewport.height }
      const docId = `layout-${viewport.name}-${Date.now()}`
      // Last writer wins per paragraph: the fullest header, with the clock-skew field.
      const page = await openTab(browser, server.url, docId, { create: true, strategy: "lww", name: "Ada Lovelace", color: "#c2255c", viewport: size, mobile: viewport.mobile })
      const other = await openTab(browser, server.url, docId, { name: "Grace Hopper", color: "#087f5b" })
      try {
        await page.getByTestId("editor").locator(".ProseMirror").click()
        await page.keyboard.type("# Meeting notes\nWe agreed to ship the editor on Friday. Everyone reviews the draft before then, " +
          "and links such as https://example.com/a/very/long/path/without/any/break/at/all/so/it/must/wrap/somewhere stay readable.\n" +
          "* Write the release notes\nCheck the offline mode\n\nThe end.")
        await placeCaret(other, 1, "end")
        await waitForConvergence([page, other])
        await page.getByTestId("editor").locator(".remote-caret-label", { hasText: "Grace Hopper" }).waitFor({ state: "visible" })
        await page.getByTestId("presence-user").filter({ hasText: "Grace Hopper" }).waitFor()
        for (const id of ["editor", "tb-bold", "tb-undo", "offline-toggle", "share-button", "connection-status"])
          await page.getByTestId(id).first().waitFor({ state: "attached" })
        // The recent documents list a document by its title, else by its first line.
        let listed = "Meeting notes"
        if (!viewport.mobile) {
          // A title of some forty characters shows whole beside the Document and Share buttons.
          const title = listed = "Quarterly planning notes for the editors"
          await page.getByTestId("title-field").fill(title)
          await page.getByTestId("title-field").press("Enter")
          await other.waitForFunction(t => (document.querySelector("[data-testid=title-field]") as HTMLInputElement).value == t, title)
          const field = await page.getByTestId("title-field").evaluate(el => ({ value: (el as HTMLInputElement).value, scroll: el.scrollWidth, client: el.clientWidth }))
          expect(field.value).toBe(title)
          expect(field.scroll, `the title field shows ${field.client} of ${field.scroll} px`).toBeLessThanOrEqual(field.client)
        }
        await expectFits(page, viewport.width, `document-${viewport.name}.png`)
        await expectClockClear(page, `document-${viewport.name}.png`)

        await page.goto("/")
        await page.getByTestId("new-document").waitFor({ state: "visible" })
        await page.getByTestId("recent-documents").getByText(listed).waitFor()
        await expectFits(page, viewport.width, `home-${viewport.name}.png`)
      } finally {
        await Promise.all([closeTab(page), closeTab(other)])
      }
    })
  }
})
