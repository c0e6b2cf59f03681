import { describe, expect, it } from "vitest"
import type { Browser, Page } from "playwright-core"
import type { StrategyName } from "../../lib/protocol/messages"
import { browserSuite } from "./support/suite"
import { openTab, readDocument, setOffline, waitForConvergence, waitForOnline, waitForTextIncluding } from "./support/browser"
import { linkOf } from "./support/document-links"

const suite = browserSuite()
const { tabs } = suite

/** A tab of a new browser context (a person with empty storage) at `path`, not waiting for anything. */
async function bareTab(browser: Browser, baseUrl: string, path: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  tabs.push(page)
  await page.goto(path)
  return page
}

/** Wait until the page says it needs a link, and check that no editor was drawn. */
async function expectNeedsLink(page: Page): Promise<void> {
  await page.getByTestId("need-link").waitFor()
  await expect(page.getByText("You need a link to open this document").count()).resolves.toBe(1)
  await expect(page.locator(".ProseMirror").count()).resolves.toBe(0)
}

/** What the page's own socket gets back for a write it was never meant to send (the test reaches into the connection). */
function forceWrite(page: Page, event: "submit" | "update"): Promise<{ ok: boolean; error?: { code: string } }> {
  return page.evaluate(async event => {
    const connection = (window as unknown as { __concord: { connection: Record<string, unknown> } }).__concord.connection
    const socket = connection.socket as { emitWithAck(event: string, request: unknown): Promise<{ ok: boolean; error?: { code: string } }> }
    const base = { docId: connection.docId, clientId: connection.clientId, seq: 1_000 }
    return event == "submit"
      ? socket.emitWithAck("submit", { ...base, baseVersion: connection.version, steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "forced" }] } }] })
      : socket.emitWithAck("update", { ...base, update: "AAA=" })
  }, event)
}

/** Whether the tab's editor takes typing. */
function editable(page: Page): Promise<string | null> {
  return page.getByTestId("editor").locator(".ProseMirror").getAttribute("contenteditable")
}

describe("capability links in the browser", () => {
  it("New document opens the owner link; the bare address or a wrong token elsewhere asks for a link", async () => {
    const owner = await bareTab(suite.browser, suite.server.url, "/")
    await owner.getByTestId("new-document").click()
    await owner.waitForURL(/\/d\/[A-Za-z0-9_-]{22}$/)
    await waitForOnline(owner)
    // The owner token went from the address bar into this browser's storage.
    const docId = new URL(owner.url()).pathname.split("/")[2]
    const stored = await owner.evaluate(id => JSON.parse(localStorage.getItem("concord:links") ?? "{}")[id], docId)
    expect(Object.keys(stored).sort()).toEqual(["edit", "owner", "view"])
    await owner.getByTestId("editor").locator(".ProseMirror").click()
    await owner.keyboard.type("Secret plans")
    await waitForConvergence([owner])
    // A reload with the bare address still opens it here.
    await owner.reload()
    await waitForOnline(owner)
    await waitForTextIncluding(owner, "Secret plans")

    await expectNeedsLink(await bareTab(suite.browser, suite.server.url, `/d/${docId}`))
    await expectNeedsLink(await bareTab(suite.browser, suite.server.url, `/d/${docId}#${"A".repeat(43)}`))
    // An id nobody created reads the same.
    await expectNeedsLink(await bareTab(suite.browser, suite.server.url, `/d/nobody-made-this#${"A".repeat(43)}`))
  })

  const strategies: StrategyName[] = ["ot", "lww", "lww-doc", "vv", "crdt"]
  it.each(strategies)("a view link's page is read-only (%s), and the hub refuses a write forced from it", async strategy => {
    const docId = `view-${strategy}-${Date.now()}`
    const owner = await openTab(suite.browser, suite.server.url, docId, { create: true, strategy, name: "Olga", color: "#c2255c" })
    tabs.push(owner)
    await owner.getByTestId("editor").locator(".ProseMirror").click()
    await owner.keyboard.type("Read me")
    const viewer = await openTab(suite.browser, suite.server.url, docId, { role: "view", name: "Vera" })
    tabs.push(viewer)
    await waitForConvergence([owner, viewer])
    await viewer.getByTestId("access-badge").filter({ hasText: "View only" }).waitFor()
    await expect(viewer.getByTestId("tb-bold").count()).resolves.toBe(0)
    await expect(editable(viewer)).resolves.toBe("false")

    // Keys typed into the page change nothing; the owner's edits keep arriving.
    await viewer.getByTestId("editor").locator(".ProseMirror").click()
    await viewer.keyboard.type("vandalism")
    const before = (await readDocument(owner)).version
    await owner.keyboard.type(" now")
    const [seen, written] = await waitForConvergence([viewer, owner])
    expect(seen.version).toBeGreaterThan(before ?? 0)
    expect(seen.json).toEqual(written.json)
    expect(seen.text).not.toContain("vandalism")
    expect(seen.unconfirmed).toBe(0)

    const forced = await forceWrite(viewer, strategy == "crdt" ? "update" : "submit")
    expect(forced).toMatchObject({ ok: false, error: { code: "ERR_READ_ONLY" } })
    expect((await readDocument(owner)).text).toBe((await readDocument(viewer)).text)
    if (strategy != "crdt") {
      // The viewer sees who is writing; nobody sees the viewer, who sends no presence.
      await viewer.getByTestId("presence-user").filter({ hasText: "Olga" }).waitFor()
      await expect(owner.getByTestId("presence-user").count()).resolves.toBe(0)
    }
  })

  it("a view link reads the history without Restore", async () => {
    const docId = `view-history-${Date.now()}`
    const owner = await openTab(suite.browser, suite.server.url, docId, { create: true })
    tabs.push(owner)
    await owner.getByTestId("editor").locator(".ProseMirror").click()
    await owner.keyboard.type("First words")
    await waitForConvergence([owner])
    const viewer = await openTab(suite.browser, suite.server.url, docId, { role: "view" })
    tabs.push(viewer)
    if ((await viewer.getByTestId("history-panel").count()) == 0) await viewer.getByTestId("history-toggle").click()
    await viewer.getByTestId("history-entry").first().waitFor()
    await viewer.getByTestId("version-back").click()
    await viewer.getByTestId("version-exit").waitFor()
    await expect(viewer.getByTestId("restore-version").count()).resolves.toBe(0)
  })

  it("the owner's Share shows both links, New link replaces one, and an editor's Share shows what it holds", async () => {
    const docId = `share-${Date.now()}`
    const url = suite.server.url
    const owner = await openTab(suite.browser, url, docId, { create: true })
    tabs.push(owner)
    await owner.getByTestId("share-button").click()
    const shownLink = (role: "edit" | "view") => owner.getByTestId(`share-${role}-url`).inputValue()
    await expect(shownLink("edit")).resolves.toBe(`${url}/d/${docId}#${linkOf(docId, "edit")}`)
    await expect(shownLink("view")).resolves.toBe(`${url}/d/${docId}#${linkOf(docId, "view")}`)

    const editor = await openTab(suite.browser, url, docId, { name: "Eddie" })
    tabs.push(editor)
    await editor.getByTestId("share-button").click()
    await editor.getByTestId("share-edit-url").waitFor()
    await expect(editor.getByTestId("share-view").count()).resolves.toBe(0)
    await expect(editor.getByTestId("share-edit-revoke").count()).resolves.toBe(0)

    await owner.getByTestId("share-edit-reissue").click()
    await owner.getByTestId("share-edit-confirm").click()
    await owner.waitForFunction(old => (document.querySelector("[data-testid=share-edit-url]") as HTMLInputElement | null)?.value.includes(old) === false,
      linkOf(docId, "edit"))
    const fresh = await shownLink("edit")
    expect(fresh).toMatch(new RegExp(`/d/${docId}#[A-Za-z0-9_-]{43}$`))
    // The tab on the old edit link lost access; the new link opens the document for editing.
    await editor.getByTestId("link-revoked").waitFor()
    const newcomer = await bareTab(suite.browser, url, new URL(fresh).pathname + new URL(fresh).hash)
    await waitForOnline(newcomer)
    await expect(editable(newcomer)).resolves.toBe("true")
    await expectNeedsLink(await bareTab(suite.browser, url, `/d/${docId}#${linkOf(docId, "edit")}`))
  })

  it("a revoked link stops a connected tab, which keeps its unsent text on show, and stops working on reload", async () => {
    const docId = `revoke-${Date.now()}`
    const owner = await openTab(suite.browser, suite.server.url, docId, { create: true, name: "Olga" })
    tabs.push(owner)
    await owner.getByTestId("editor").locator(".ProseMirror").click()
    await owner.keyboard.type("Shared start.")
    const editor = await openTab(suite.browser, suite.server.url, docId, { name: "Eddie" })
    const offline = await openTab(suite.browser, suite.server.url, docId, { name: "Otto" })
    tabs.push(editor, offline)
    await waitForConvergence([owner, editor, offline])
    // One editor goes offline and writes on; the owner then revokes the edit link.
    await setOffline(offline, true)
    await offline.getByTestId("editor").locator(".ProseMirror").click()
    await offline.keyboard.press("End")
    await offline.keyboard.type(" Written offline.")

    await owner.getByTestId("share-button").click()
    await owner.getByTestId("share-edit-revoke").click()
    await owner.getByTestId("share-edit-confirm").click()
    await owner.getByTestId("share-edit-none").waitFor()

    // The connected editor stops at once: read-only, with the message, and its typing goes nowhere.
    await editor.getByTestId("link-revoked").filter({ hasText: "This link was revoked by the document's owner" }).waitFor()
    await expect(editable(editor)).resolves.toBe("false")
    await expect(editor.getByTestId("tb-bold").count()).resolves.toBe(0)
    await editor.getByTestId("editor").locator(".ProseMirror").click()
    await editor.keyboard.type("too late")
    expect((await readDocument(editor)).text).toBe("Shared start.")
    await owner.getByTestId("presence-user").filter({ hasText: "Eddie" }).waitFor({ state: "detached" })

    // The offline editor learns it on coming back, and keeps what it wrote on show.
    await offline.getByTestId("offline-toggle").click()
    await offline.getByTestId("link-revoked").filter({ hasText: "not saved" }).waitFor()
    expect((await readDocument(offline)).text).toBe("Shared start. Written offline.")
    expect((await readDocument(owner)).text).toBe("Shared start.")

    // A reload of the revoked tab asks for a link.
    await editor.reload()
    await expectNeedsLink(editor)
  })
})
