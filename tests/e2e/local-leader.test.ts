import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { Browser, BrowserContext, Page } from "playwright-core"
import type { StrategyName } from "../../lib/protocol/messages"
import { removeDataDir, type ServerProcess } from "../support/server-process"
import { TestClient } from "../support/test-client"
import { startUiServer } from "./support/server"
import { closeTab, launchBrowser, openTab, setOffline, waitForConvergence, waitForOnline, waitForTextIncluding } from "./support/browser"

let browser: Browser
const servers: ServerProcess[] = []
let tabs: Page[] = []

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  for (const server of servers) await server.stop()
  for (const dir of new Set(servers.map(server => server.dataDir))) removeDataDir(dir)
})

afterEach(async () => {
  await Promise.all(tabs.map(tab => closeTab(tab).catch(() => {})))
  tabs = []
})

async function start(): Promise<ServerProcess> {
  const server = await startUiServer()
  servers.push(server)
  return server
}

async function open(server: ServerProcess, docId: string, options: { create?: boolean; strategy?: StrategyName; name?: string } = {}): Promise<Page> {
  const page = await openTab(browser, server.url, docId, options)
  tabs.push(page)
  return page
}

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

/** Wait until every unconfirmed edit of the tab is written to the device. */
async function waitForStored(page: Page): Promise<number> {
  await page.waitForFunction(() => {
    const connection = (window as unknown as { __concord?: { connection: { unconfirmedCount: number; storedCount: number; keptOnDevice: boolean } } }).__concord?.connection
    return !!connection && connection.unconfirmedCount > 0 && connection.keptOnDevice && connection.storedCount == connection.unconfirmedCount
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

/** The client id the tab's connection acts as at the hub. */
function clientIdOf(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __concord: { connection: { clientId: string } } }).__concord.connection.clientId)
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
    // Persisted work needs no "Leave site?" prompt.
    const dialogs: string[] = []
    a.on("dialog", dialog => { dialogs.push(dialog.type()); void dialog.accept() })
    await a.reload()
    // Still offline (the tab asked for it), the text there at once, marked as kept on this device only.
    await waitForTextIncluding(a, "RELOADTEST")
    await a.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
    expect(await storedCount(a)).toBeGreaterThan(0)
    expect(dialogs).toEqual([])
    await setOffline(a, false)
    const [docA, docB] = await waitForConvergence([a, b])
    expect(docA.text).toBe(docB.text)
    expect(occurrences(docB.text, "RELOADTEST")).toBe(1)
    expect(docB.text).toContain("meanwhile")
    expect(await storedCount(a)).toBe(0)
    // The reloaded tab went on as the same leader, and its offline work went out as one batch, once.
    expect(await clientIdOf(a)).toBe(writer)
    expect(await opsOf(server, docId, writer, before.version!)).toBe(1)
  })

  it("brings offline work back when the page was closed and the link opened again in the same browser", async () => {
    const server = await start()
    const docId = "close-offline"
    const a = await open(server, docId, { create: true })
    await typeAtEnd(a, "Start")
    const [before] = await waitForConvergence([a])
    const writer = await clientIdOf(a)
    await setOffline(a, true)
    await typeAtEnd(a, " CLOSETEST")
    await waitForStored(a)
    const context = a.context()
    await a.close()
    const again = await sameBrowser(context, docId)
    tabs.push(again)
    const [doc] = await waitForConvergence([again])
    expect(occurrences(doc.text, "CLOSETEST")).toBe(1)
    expect(await opsOf(server, docId, writer, before.version!)).toBe(1)
  })

  it("sends a closed tab's orphaned work once when two tabs of the browser open the document at the same moment", async () => {
    const server = await start()
    const docId = "orphan-once"
    const a = await open(server, docId, { create: true })
    await typeAtEnd(a, "Base")
    const [before] = await waitForConvergence([a])
    const writer = await clientIdOf(a)
    await setOffline(a, true)
    await typeAtEnd(a, " ORPHANED")
    await waitForStored(a)
    const context = a.context()
    await a.close()
    const [one, two] = await Promise.all([sameBrowser(context, docId), sameBrowser(context, docId)])
    tabs.push(one, two)
    const docs = await waitForConvergence([one, two])
    expect(occurrences(docs[0].text, "ORPHANED")).toBe(1)
    expect(await opsOf(server, docId, writer, before.version!)).toBe(1)
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
