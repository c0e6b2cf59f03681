import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import { removeDataDir, type ServerProcess } from "../support/server-process"
import { startUiServer } from "./support/server"
import { launchBrowser, waitForOnline } from "./support/browser"
import { createTestDocument, linkOf } from "./support/document-links"

let browser: Browser
let server: ServerProcess | null = null

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  if (server) removeDataDir(server.dataDir)
})

/** Wait until the page has opened a connection to document `docId`. */
async function waitForConnectionTo(page: Page, docId: string): Promise<void> {
  await page.waitForFunction(docId => (window as unknown as { __concord?: { connection: { docId: string } } }).__concord?.connection.docId == docId, docId)
}

describe("the app with its server down", () => {
  it("a document opened before still loads its page, from its address or from home; one never opened here says it needs a connection", async () => {
    server = await startUiServer()
    const opened = "offline-opened"
    const neverOpened = "offline-never-opened"
    await createTestDocument(server.url, opened)
    await createTestDocument(server.url, neverOpened)
    const context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await page.goto(`/d/${opened}#${linkOf(opened, "edit")}`)
    await waitForOnline(page)
    // The service worker has installed (precached the app) and controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { timeout: 60_000 })
    // A page the service worker serves starts the storage worker as the first load did: the worker's
    // script, answered from the precache, keeps the settings its address carries.
    const errors: string[] = []
    page.on("console", message => { if (message.type() == "error") errors.push(message.text()) })
    await page.reload()
    await waitForOnline(page)
    await expect.poll(() => page.workers().filter(worker => /turbopack-worker/.test(worker.url())).length).toBe(1)
    expect(page.workers().find(worker => /turbopack-worker/.test(worker.url()))!.url()).toMatch(/#params=/)
    expect(errors.filter(text => /worker/i.test(text))).toEqual([])

    await server.stop("SIGKILL")

    // (a) The reload gets the app shell from the service worker, not the browser's error page, and the
    // page opens the document its address names (from the link this browser kept), which waits for the hub.
    await page.reload()
    await page.getByTestId("connection-status").filter({ hasText: "connecting" }).waitFor()
    await waitForConnectionTo(page, opened)
    await expect(page.getByRole("link", { name: "Concord" }).count()).resolves.toBe(1)
    // With the device off the network as well, the page reloaded says it is offline, not connecting.
    await context.setOffline(true)
    await page.reload()
    await page.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
    // The device being offline is not the offline mode a person chooses: the button still offers that.
    await expect(page.getByTestId("offline-toggle").getAttribute("aria-label")).resolves.toBe("Work offline")
    await context.setOffline(false)
    await page.getByTestId("connection-status").filter({ hasText: "connecting" }).waitFor()

    // (b) A document this browser never opened cannot be shown without the hub, and the page says so.
    const other = await context.newPage()
    await other.goto(`/d/${neverOpened}#${linkOf(neverOpened, "edit")}`)
    await other.getByTestId("need-connection").waitFor()
    await expect(other.getByText("This document needs a connection").count()).resolves.toBe(1)
    await waitForConnectionTo(other, neverOpened)
    await expect(other.locator(".ProseMirror").count()).resolves.toBe(0)

    // (c) Home loads too, and its list of documents opened here leads back to the first one.
    await other.goto("/")
    await other.getByTestId("recent-documents").getByRole("link").click()
    await other.waitForURL(`/d/${opened}`)
    await waitForConnectionTo(other, opened)
    await context.close()
  })
})
