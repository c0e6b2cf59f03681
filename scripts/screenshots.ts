// `npm run screenshots`: build the app, then regenerate the README's pictures in docs/images from a real
// server and Debian's Chromium: two people editing one document (desktop, light and dark), the same
// document at phone width, the history panel with a merge, and the home page.
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Page } from "playwright-core"
import { removeDataDir } from "../tests/support/server-process"
import { startUiServer } from "../tests/e2e/support/server"
import { launchBrowser, openTab, placeCaret, typeWhileOneIsOffline, waitForConvergence, waitForOtherCaretAt } from "../tests/e2e/support/browser"

const images = fileURLToPath(new URL("../docs/images/", import.meta.url))
const server = await startUiServer()
const browser = await launchBrowser()

/** Save a picture of `page` (or of the element with `testId`) in the light and the dark colour scheme. */
async function shoot(page: Page, name: string, testId?: string): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme })
    await page.waitForFunction(() => document.getAnimations().every(animation => animation.playState != "running"))
    const path = join(images, `${name}${colorScheme == "dark" ? "-dark" : ""}.png`)
    if (testId) await page.getByTestId(testId).screenshot({ path })
    else await page.screenshot({ path })
    console.log(`wrote ${path}`)
  }
}

try {
  const docId = `tour-${Date.now()}`
  const ada = await openTab(browser, server.url, docId, { create: true, name: "Ada", color: "#c2255c" })
  await ada.getByTestId("title-field").fill("Launch plan")
  await ada.getByTestId("title-field").press("Enter")
  await ada.getByTestId("editor").locator(".ProseMirror").click()
  // Markdown shortcuts make the heading and the list; Enter on an empty item leaves the list.
  await ada.keyboard.type("# Launch notes\nWhat ships on Friday, and who is on it.\n- the editor\nthe history panel\n\nAda and Bob are editing this page at once.")
  await waitForConvergence([ada])
  const bob = await openTab(browser, server.url, docId, { name: "Bob", color: "#1971c2" })
  // Ada writes offline while Bob types before her paragraph: the history then shows her edit merged past his, and moved.
  await typeWhileOneIsOffline({ page: ada, block: 1, where: "end", text: " Written on the train." }, { page: bob, block: 0, where: "end", text: " (draft)" })
  await placeCaret(bob, 1, "start")
  await waitForOtherCaretAt(ada, (await ada.evaluate(() => {
    const state = (window as unknown as { __concord: { connection: { state: { doc: { child(i: number): { nodeSize: number } } } } } }).__concord.connection.state
    return state.doc.child(0).nodeSize + 1
  })))
  // The panel opens with the page on a wide screen.
  if ((await ada.getByTestId("history-panel").count()) == 0) await ada.getByTestId("history-toggle").click()
  await ada.getByTestId("merge-plain").first().waitFor()
  await shoot(ada, "editor")
  await shoot(ada, "history", "history-panel")

  const phone = await openTab(browser, server.url, docId, { name: "Cleo", color: "#2b8a3e", viewport: { width: 390, height: 844 }, mobile: true })
  await shoot(phone, "phone")

  await ada.goto("/")
  await ada.getByTestId("recent-documents").waitFor()
  await shoot(ada, "home")
} finally {
  await browser.close()
  await server.stop()
  removeDataDir(server.dataDir)
}
