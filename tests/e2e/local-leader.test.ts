import { describe, expect, it } from "vitest"
import type { BrowserContext, Page } from "playwright-core"
import type { StrategyName } from "../../lib/protocol/messages"
import type { ServerProcess } from "../support/server-process"
import { TestClient } from "../support/test-client"
import { portOf } from "./support/server"
import { serversSuite } from "./support/suite"
import { setOffline, waitForConvergence, waitForOnline, waitForTextIncluding } from "./support/browser"

const suite = serversSuite()
const { start, open, tabs } = suite

/** A new tab in the same browser (same IndexedDB, same stored links) on the document. */
async function sameBrowser(context: BrowserContext, docId: string, online = true): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`/d/${docId}`)
  if (online) await waitForOnline(page)
  return page
}

/** The tab's count of edits kept only on this device, as its connection pill shows it (0 when hidden). */
async function storedCount(page: Page): Promise<number> {
  const shown = page.getByTestId("stored-count")
  return (await shown.count()) ? Number(await shown.getAttribute("data-count")) : 0
}

/** Wait until every unconfirmed edit of the tab is written to the device, and the page shows it (it follows the editor a few times a second). */
async function waitForStored(page: Page): Promise<number> {
  await page.waitForFunction(() => {
    const connection = (window as unknown as { __concord?: { connection: { unconfirmedCount: number; storedCount: number; keptOnDevice: boolean } } }).__concord?.connection
    const shown = document.querySelector("[data-testid=stored-count]")?.getAttribute("data-count")
    return !!connection && connection.unconfirmedCount > 0 && connection.keptOnDevice && connection.storedCount == connection.unconfirmedCount &&
      shown == String(connection.storedCount)
  }, undefined, { polling: 50 })
  return storedCount(page)
}

/** Type in the tab's editor at the end of the document. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.getByTestId("editor").locator(".ProseMirror").click()
  await page.keyboard.press("Control+End")
  await page.keyboard.type(text)
}

function occurrences(text: string, word: string): number {
  return text.split(word).length - 1
}

/** The committed ops of the document after `version` by client `clientId`, as the hub's history serves them. */
async function opsOf(server: ServerProcess, docId: string, clientId: string, after: number): Promise<number> {
  const reader = await TestClient.open(server.url, docId, "op-log-reader-" + Date.now())
  try {
    return (await reader.history(500)).filter(op => op.version > after && op.clientId == clientId).length
  } finally {
    reader.close()
  }
}

/** The tab's document text, or "" until it has one. */
function textOf(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __concord?: { connection: { state: { doc: { textContent: string } } | null } } }).__concord?.connection.state?.doc.textContent ?? "")
}

/** The client id the tab's connection acts as at the hub. */
function clientIdOf(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __concord: { connection: { clientId: string } } }).__concord.connection.clientId)
}

/**
 * A document with `start` typed and confirmed in a new tab, which then works offline, types `word`,
 * has it stored, and is closed: its browser context, its leader's client id, the version before and
 * how many edits the pill counted as on this device.
 */
async function closeWithOfflineWork(server: ServerProcess, docId: string, start: string, word: string): Promise<{ context: BrowserContext; writer: string; before: number; stored: number }> {
  const a = await open(server, docId, { create: true })
  await typeAtEnd(a, start)
  const [before] = await waitForConvergence([a])
  const writer = await clientIdOf(a)
  await setOffline(a, true)
  await typeAtEnd(a, word)
  const stored = await waitForStored(a)
  const context = a.context()
  await a.close()
  return { context, writer, before: before.version!, stored }
}

describe("every tab a durable leader", () => {
  it("keeps offline work through a reload, shows it as kept on this device, and merges it once back online", async () => {
    const server = await start()
    const docId = "reload-offline"
    const a = await open(server, docId, { create: true, name: "Ann" })
    await typeAtEnd(a, "Hello")
    const b = await open(server, docId, { name: "Bob" })
    const [before] = await waitForConvergence([a, b])
    const writer = await clientIdOf(a)
    await setOffline(a, true)
    await typeAtEnd(a, " RELOADTEST")
    await typeAtEnd(b, " meanwhile")
    expect(await waitForStored(a)).toBeGreaterThan(0)
    // The page's storage worker wrote it (the page gives up on a worker that fails, and terminates it).
    expect(a.workers().map(worker => worker.url())).toEqual([expect.stringContaining("/_next/static/")])
    // Persisted work needs no "Leave site?" prompt.
    const dialogs: string[] = []
    a.on("dialog", dialog => { dialogs.push(dialog.type()); void dialog.accept() })
    await a.reload()
    // Still offline (the tab asked for it), the text there at once, marked as kept on this device only.
    await waitForTextIncluding(a, "RELOADTEST")
    await a.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
    await expect.poll(() => storedCount(a)).toBeGreaterThan(0)
    expect(dialogs).toEqual([])
    // The history knows the version this device's copy is at, and says that its list waits for a connection.
    await a.getByTestId("version-label").filter({ hasText: `Current version: ${before.version}` }).waitFor()
    expect(await a.getByTestId("history-loading").textContent()).toBe("History loads once this page is back online.")
    await setOffline(a, false)
    const [docA, docB] = await waitForConvergence([a, b])
    expect(docA.text).toBe(docB.text)
    expect(occurrences(docB.text, "RELOADTEST")).toBe(1)
    expect(docB.text).toContain("meanwhile")
    await expect.poll(() => storedCount(a)).toBe(0)
    // The history shows the merge: Ann's offline work, written on an older version, transformed past Bob's.
    const merged = b.locator("[data-testid=history-entry][data-merged=true]", { hasText: "Ann" }).first()
    await merged.waitFor()
    await merged.getByTestId("merge-plain").waitFor()
    // The reloaded tab went on as the same leader, and its offline work went out as one batch, once.
    expect(await clientIdOf(a)).toBe(writer)
    expect(await opsOf(server, docId, writer, before.version!)).toBe(1)
  })

  it("commits a word once however soon after typing it the page reloads", async () => {
    const server = await start()
    const docId = "reload-at-once"
    const a = await open(server, docId, { create: true, name: "Ann" })
    const b = await open(server, docId, { name: "Bob" })
    await typeAtEnd(a, "Start")
    await waitForConvergence([a, b])
    // Leaving asks only while an edit is neither acknowledged nor on the device; the person leaves.
    a.on("dialog", dialog => void dialog.accept())
    const words = Array.from({ length: 15 }, (_, i) => `W${i}x${"abcde"[i % 5]}`)
    for (const word of words) {
      await typeAtEnd(a, ` ${word}`)
      // At once: the batch may be on its way, and the device's record of it not written yet.
      await a.reload()
      await waitForOnline(a)
    }
    const [docA, docB] = await waitForConvergence([a, b])
    expect(docA.text).toBe(docB.text)
    // A batch sent before the reload and sent again after it is committed once (no word doubled, nor a
    // part of one), and none is lost: what was not on the device yet went to the leave journal.
    expect(docB.text).toBe(["Start", ...words].join(" "))
  })

  for (const strategy of ["ot", "crdt"] as const) it(`keeps every word typed offline however soon after typing it the tab is closed (${strategy})`, async () => {
    const server = await start()
    const docId = `offline-close-at-once-${strategy}`
    let page = await open(server, docId, { create: true, name: "Ann", strategy })
    await typeAtEnd(page, "Start")
    await waitForConvergence([page])
    await setOffline(page, true)
    const context = page.context()
    const words = Array.from({ length: 8 }, (_, i) => `Q${i}y${"vwxyz"[i % 5]}`)
    for (const [i, word] of words.entries()) {
      // Typed offline, so that the words are nowhere but in this browser; the person closes the tab at
      // once and confirms "Leave site?" as it shows. A new tab opens the document again.
      page.on("dialog", dialog => void dialog.accept())
      await typeAtEnd(page, ` ${word}`)
      await page.close({ runBeforeUnload: true })
      await page.waitForEvent("close")
      page = await sameBrowser(context, docId)
      tabs.push(page)
      await waitForTextIncluding(page, words.slice(0, i + 1).join(" "))
      await setOffline(page, true)
    }
    await setOffline(page, false)
    const [doc] = await waitForConvergence([page])
    expect(doc.text).toBe(["Start", ...words].join(" "))
  })

  it("brings offline work back when the page was closed and the link opened again in the same browser", async () => {
    const server = await start()
    const docId = "close-offline"
    const { context, writer, before } = await closeWithOfflineWork(server, docId, "Start", " CLOSETEST")
    const again = await sameBrowser(context, docId)
    tabs.push(again)
    const [doc] = await waitForConvergence([again])
    expect(occurrences(doc.text, "CLOSETEST")).toBe(1)
    expect(await opsOf(server, docId, writer, before)).toBe(1)
  })

  it("sends a closed tab's orphaned work once when two tabs of the browser open the document at the same moment", async () => {
    const server = await start()
    const docId = "orphan-once"
    const { context, writer, before } = await closeWithOfflineWork(server, docId, "Base", " ORPHANED")
    const [one, two] = await Promise.all([sameBrowser(context, docId), sameBrowser(context, docId)])
    tabs.push(one, two)
    const docs = await waitForConvergence([one, two])
    expect(occurrences(docs[0].text, "ORPHANED")).toBe(1)
    expect(await opsOf(server, docId, writer, before)).toBe(1)
  })

  it("keeps the work of two tabs through a killed server and reloads while it is down, and sends everything once when it is back", async () => {
    let server = await start()
    const docId = "kill-reload"
    const a = await open(server, docId, { create: true })
    await typeAtEnd(a, "Start")
    await waitForConvergence([a])
    // The second tab of the same browser: it shares the first's storage and service worker.
    const b = await sameBrowser(a.context(), docId)
    await a.evaluate(() => navigator.serviceWorker.ready)
    await server.stop("SIGKILL")
    await typeAtEnd(a, " ALPHA")
    await typeAtEnd(b, " BRAVO")
    await waitForStored(a)
    await waitForStored(b)
    // Both reloaded while the server is down: the pages come from the service worker, the text from the device.
    // Each page continues as a stored leader it claims (a page that claims both sends the other's
    // work from a connection of its own): the pages load and show the document while the server is down.
    await Promise.all([a.reload(), b.reload()])
    for (const page of [a, b]) await expect.poll(() => textOf(page), { timeout: 30_000, interval: 100 }).toContain("Start")
    const shown = (await Promise.all([a, b].map(textOf))).join("|")
    expect(shown.includes("ALPHA") || shown.includes("BRAVO")).toBe(true)
    server = await start({ dataDir: server.dataDir, port: portOf(server) })
    // A page may send the other's work from a connection of its own: wait for the text, then for calm.
    for (const page of [a, b]) for (const word of ["ALPHA", "BRAVO"]) await waitForTextIncluding(page, word, 60_000)
    const docs = await waitForConvergence([a, b], 90_000)
    expect(occurrences(docs[0].text, "ALPHA")).toBe(1)
    expect(occurrences(docs[0].text, "BRAVO")).toBe(1)
    expect(docs[1].text).toBe(docs[0].text)
  })

  it("lists edits kept only on this device on the home page, and removes them from the device after asking", async () => {
    const server = await start()
    const docId = "remove-device"
    const { context, stored } = await closeWithOfflineWork(server, docId, "Saved", " UNSENT")
    const home = await context.newPage()
    tabs.push(home)
    await home.goto("/")
    await home.getByTestId("recent-unsent").filter({ hasText: `${stored} edits only on this device` }).waitFor()
    const asked: string[] = []
    home.on("dialog", dialog => { asked.push(dialog.message()); void dialog.accept() })
    await home.getByRole("button", { name: /from this device/ }).click()
    await home.getByTestId("recent-documents").waitFor({ state: "detached" })
    expect(asked).toHaveLength(1)
    expect(asked[0]).toContain(`${stored} edits`)
    // The link is kept in the address this time: the list forgot the document, not its links.
    const again = await sameBrowser(context, docId)
    tabs.push(again)
    const [doc] = await waitForConvergence([again])
    expect(doc.text).toBe("Saved")
  })

  for (const strategy of ["lww", "lww-doc", "vv", "crdt"] as const) {
    it(`keeps offline work through a reload on a ${strategy} document`, async () => {
      const server = await start()
      const docId = `reload-${strategy}`
      const a = await open(server, docId, { create: true, strategy })
      await typeAtEnd(a, "First line")
      const b = await open(server, docId)
      await waitForConvergence([a, b])
      await setOffline(a, true)
      await typeAtEnd(a, " KEPT")
      if (strategy == "crdt") await a.waitForFunction(() => (window as unknown as { __concord?: { connection: { keptOnDevice: boolean } } }).__concord?.connection.keptOnDevice)
      else await waitForStored(a)
      await a.reload()
      await waitForTextIncluding(a, "KEPT")
      await a.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
      await setOffline(a, false)
      const [docA, docB] = await waitForConvergence([a, b])
      expect(docA.text).toBe(docB.text)
      expect(occurrences(docB.text, "KEPT")).toBe(1)
    })
  }
})
