import { chromium, type Browser, type Page } from "playwright-core"
import type { Role, StrategyName } from "../../../lib/protocol/messages"
import { createTestDocument, linkOf } from "./document-links"

/** What a tab's DocConnection holds, read through `window.__concord`. */
export interface TabDocument {
  /** The ProseMirror document as JSON. */
  json: unknown
  text: string
  version: number | null
  unconfirmed: number
  status: string
}

/** The part of a ProseMirror node the tests use in the page. */
interface DocNode {
  textContent: string
  nodeSize: number
  isTextblock: boolean
  content: { size: number }
  child(index: number): DocNode
  nodesBetween(from: number, to: number, f: (node: DocNode, pos: number) => boolean): void
  toJSON(): unknown
}

/** The part of DocConnection the tests read in the page. */
interface ConcordWindow {
  __concord?: {
    connection: {
      status: string
      version: number | null
      unconfirmedCount: number
      state: { doc: DocNode; selection: { empty: boolean; head: number } } | null
      others: readonly { user: { name: string }; selection: { anchor: number; head: number } | null }[]
    }
  }
}

/** Options for a tab on a document. */
export interface TabOptions {
  /** Create the document first (through the hub's `create` event), under `strategy`. */
  create?: boolean
  /** The conflict strategy to create the document under (default ot). */
  strategy?: StrategyName
  /** The link to open it with: owner for the tab that created it, edit otherwise, unless given. */
  role?: Role
  /** The name other people see (each tab gets its own browser context, so its own identity). */
  name?: string
  color?: string
  viewport?: { width: number; height: number }
  /** Emulate a phone: the meta viewport applies and touch events are on. */
  mobile?: boolean
}

const pollEvery = 50

/** Launch Debian's Chromium (CONCORD_CHROMIUM overrides the path), headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CONCORD_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
  })
}

/**
 * Open document `docId` of the server at `baseUrl` in a new browser context (a separate person with
 * their own name and storage) with one of its links, `/d/<docId>#<token>`, creating the document first
 * when asked, and resolve once the editor shows the document and the tab is online.
 */
export async function openTab(browser: Browser, baseUrl: string, docId: string, options: TabOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    isMobile: !!options.mobile,
    hasTouch: !!options.mobile
  })
  if (options.name) {
    const identity = { name: options.name, color: options.color ?? "#1971c2" }
    await context.addInitScript(value => localStorage.setItem("concord:identity", value), JSON.stringify(identity))
  }
  if (options.create) {
    // The browser that creates a document keeps its three links, as after New document.
    const links = await createTestDocument(baseUrl, docId, options.strategy)
    await context.addInitScript(([docId, links]) => {
      const all = JSON.parse(localStorage.getItem("concord:links") ?? "{}")
      if (!all[docId]) localStorage.setItem("concord:links", JSON.stringify({ ...all, [docId]: links }))
    }, [docId, links] as const)
  }
  const token = linkOf(docId, options.role ?? (options.create ? "owner" : "edit"))
  const page = await context.newPage()
  await page.goto(`/d/${docId}#${token}`)
  await waitForOnline(page)
  return page
}

/** Close a tab opened by openTab, with its browser context. */
export function closeTab(page: Page): Promise<void> {
  return page.context().close()
}

/** Wait until the tab has loaded its document, shows the editor and is connected. */
export async function waitForOnline(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => {
    const connection = (window as unknown as ConcordWindow).__concord?.connection
    return connection?.status == "online" && connection.state != null
  }, undefined, { timeout, polling: pollEvery })
  await page.getByTestId("editor").locator(".ProseMirror").waitFor()
  await page.getByTestId("connection-status").filter({ hasText: "online" }).waitFor({ timeout })
}

/** Read the tab's document, version and sync state. */
export function readDocument(page: Page): Promise<TabDocument> {
  return page.evaluate(() => {
    const connection = (window as unknown as ConcordWindow).__concord?.connection
    if (!connection?.state) throw new Error("The tab has no document loaded")
    return {
      json: connection.state.doc.toJSON(),
      text: connection.state.doc.textContent,
      version: connection.version,
      unconfirmed: connection.unconfirmedCount,
      status: connection.status
    }
  })
}

/**
 * The editor's content as HTML without attributes, decorations (other people's carets and selections,
 * conflict panels) or the browser's placeholder breaks: what the page draws, to compare with htmlOf (doc-json.ts).
 */
export function editorHtml(page: Page): Promise<string> {
  return page.getByTestId("editor").locator(".ProseMirror").evaluate(root => {
    const copy = root.cloneNode(true) as Element
    copy.querySelectorAll(".ProseMirror-widget, .ProseMirror-trailingBreak, .ProseMirror-separator").forEach(element => element.remove())
    // Inline decorations (other people's selections, authors' colours) wrap text in spans; the schema draws none.
    copy.querySelectorAll("span").forEach(span => span.replaceWith(...span.childNodes))
    for (const element of copy.querySelectorAll("*")) for (const name of element.getAttributeNames()) element.removeAttribute(name)
    return copy.innerHTML
  })
}

/** Open document `docId` in an existing tab with its `role` link (created with createTestDocument) and wait until it is online. */
export async function goToDocument(page: Page, baseUrl: string, docId: string, role: Role): Promise<void> {
  await page.goto(`/d/${docId}#${linkOf(docId, role)}`)
  await waitForOnline(page)
}

/**
 * Wait until every tab is online with nothing unacknowledged and all are at the same version, and
 * return their documents. Call once nobody is typing any more.
 */
export async function waitForConvergence(pages: readonly Page[], timeout = 60_000): Promise<TabDocument[]> {
  const deadline = Date.now() + timeout
  const left = () => Math.max(1, deadline - Date.now())
  for (;;) {
    await Promise.all(pages.map(page => page.waitForFunction(() => {
      const connection = (window as unknown as ConcordWindow).__concord?.connection
      return connection?.status == "online" && connection.unconfirmedCount == 0
    }, undefined, { timeout: left(), polling: pollEvery })))
    const docs = await Promise.all(pages.map(readDocument))
    const head = Math.max(...docs.map(doc => doc.version ?? -1))
    if (docs.every(doc => doc.version == head && doc.unconfirmed == 0 && doc.status == "online")) return docs
    await Promise.all(pages.map(page => page.waitForFunction(version => {
      const connection = (window as unknown as ConcordWindow).__concord?.connection
      return (connection?.version ?? -1) >= version
    }, head, { timeout: left(), polling: pollEvery })))
  }
}

/** Wait until the tab's document text includes `fragment`; a timeout says what the text was. */
export async function waitForTextIncluding(page: Page, fragment: string, timeout = 30_000): Promise<void> {
  const textOf = () => (window as unknown as ConcordWindow).__concord?.connection.state?.doc.textContent
  try {
    await page.waitForFunction(fragment => {
      const text = (window as unknown as ConcordWindow).__concord?.connection.state?.doc.textContent
      return text != null && text.includes(fragment)
    }, fragment, { timeout, polling: pollEvery })
  } catch (error) {
    const text = await page.evaluate(textOf).catch(() => "(unreadable)")
    throw new Error(`the text did not come to include ${JSON.stringify(fragment)}: it is ${JSON.stringify(text)} (${(error as Error).message})`)
  }
}

/**
 * The tab's undo history (prosemirror-history's done branch) in words, newest event last: each event's
 * inverted steps as from-to and the text they put back, for a test's message when an undo went wrong.
 */
export function undoHistoryOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    interface Item { step?: { toJSON(): { from?: number; to?: number; slice?: unknown } }; selection?: unknown }
    interface History { done: { eventCount: number; items: { forEach(f: (item: Item) => void): void } }; prevTime: number }
    const state = (window as unknown as { __concord?: { connection: { state: { plugins: { getState(state: unknown): unknown }[] } | null } } }).__concord?.connection.state
    const history = state?.plugins.map(plugin => plugin.getState(state) as History | undefined).find(value => value?.done?.items)
    if (!history) return "(no undo history)"
    const events: string[][] = []
    history.done.items.forEach(item => {
      if (item.selection || !events.length) events.push([])
      const json = item.step?.toJSON()
      events[events.length - 1].push(json ? `${json.from}-${json.to}${json.slice ? ` ${JSON.stringify(json.slice).slice(0, 60)}` : ""}` : "map")
    })
    return `${history.done.eventCount} events, last at ${history.prevTime}: ` + events.map(event => `[${event.join(", ")}]`).join(" ")
  })
}

/**
 * Put the caret at the start or the end of the `index`th top-level block of the editor: click on its
 * first or last character (the block's middle may be a list marker or empty space), then press Home or End.
 */
export async function placeCaret(page: Page, index: number, where: "start" | "end"): Promise<void> {
  // Text another tab is typing can move or rewrap the block between finding the point and clicking it
  // (End then stops at the end of a visual line): try again until the caret is where it was asked to be.
  for (let attempt = 1; ; attempt++) {
    try {
      return await placeCaretOnce(page, index, where, attempt < 5 ? 2_000 : 10_000)
    } catch (error) {
      if (attempt >= 5) throw error
    }
  }
}

async function placeCaretOnce(page: Page, index: number, where: "start" | "end", timeout: number): Promise<void> {
  const block = page.getByTestId("editor").locator(".ProseMirror > *").nth(index)
  await block.scrollIntoViewIfNeeded()
  const point = await block.evaluate((element, where) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, node =>
      node.textContent && !node.parentElement?.closest(".ProseMirror-widget") ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP)
    const texts: Text[] = []
    while (walker.nextNode()) texts.push(walker.currentNode as Text)
    const text = where == "start" ? texts[0] : texts[texts.length - 1]
    if (!text) return null
    const range = document.createRange()
    const offset = where == "start" ? 0 : text.length - 1
    range.setStart(text, offset)
    range.setEnd(text, offset + 1)
    const rect = range.getBoundingClientRect()
    return { x: where == "start" ? rect.left + 1 : rect.right - 1, y: rect.top + rect.height / 2 }
  }, where)
  if (point) await page.mouse.click(point.x, point.y)
  else await block.click()
  await page.keyboard.press(where == "start" ? "Home" : "End")
  // ProseMirror reads the DOM selection on the next selectionchange event: keys typed before that would
  // act at the old selection, which a person's hands are never quick enough to see.
  await page.waitForFunction(([index, where]) => {
    // The keys that follow go to the focused element: the click must have landed in the editor (a
    // layout that moved between finding the point and clicking leaves the focus elsewhere, and the
    // selection check below alone passes when the caret was already there).
    const editor = document.querySelector("[data-testid=editor] .ProseMirror")
    if (!editor || !editor.contains(document.activeElement)) return false
    const state = (window as unknown as ConcordWindow).__concord?.connection.state
    if (!state) return false
    const doc = state.doc
    let from = 0
    for (let i = 0; i < index; i++) from += doc.child(i).nodeSize
    let first: number | null = null
    let last: number | null = null
    doc.nodesBetween(from, from + doc.child(index).nodeSize, (node, pos) => {
      if (!node.isTextblock) return true
      first ??= pos + 1
      last = pos + 1 + node.content.size
      return false
    })
    const { empty, head } = state.selection
    return empty && head == (where == "start" ? first : last)
  }, [index, where] as const, { timeout, polling: pollEvery })
}

/** Type `text` with the keyboard in chunks of `size` characters, as a person typing in bursts. */
export async function typeInChunks(page: Page, text: string, size = 20): Promise<void> {
  for (let i = 0; i < text.length; i += size) await page.keyboard.type(text.slice(i, i + size))
}

/** Type `text` in chunks until `stop()` says so (checked between chunks) or the text runs out; returns what was typed. */
export async function typeUntil(page: Page, text: string, stop: () => boolean, size = 20): Promise<string> {
  let typed = ""
  while (typed.length < text.length && !stop()) {
    const chunk = text.slice(typed.length, typed.length + size)
    await page.keyboard.type(chunk)
    typed += chunk
  }
  return typed
}

/** The names on other people's caret labels in the tab's editor. */
export function caretLabels(page: Page): Promise<string[]> {
  return page.getByTestId("editor").locator(".remote-caret-label").allTextContents()
}

/** The text selection of the other people this tab sees, in its document's positions. */
export function othersSeen(page: Page): Promise<{ name: string; head: number | null }[]> {
  return page.evaluate(() => {
    const connection = (window as unknown as ConcordWindow).__concord?.connection
    return (connection?.others ?? []).map(other => ({ name: other.user.name, head: other.selection?.head ?? null }))
  })
}

/** Wait until the tab's document holds at least `atLeast` characters from `alphabet`. */
export async function waitForCharacters(page: Page, alphabet: string, atLeast: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([alphabet, atLeast]) => {
    const text = (window as unknown as ConcordWindow).__concord?.connection.state?.doc.textContent ?? ""
    let count = 0
    for (const char of text) if (alphabet.includes(char)) count++
    return count >= atLeast
  }, [alphabet, atLeast] as const, { timeout, polling: pollEvery })
}

/** Wait until the tab sees exactly one other person, with their caret at `head` in its document. */
export async function waitForOtherCaretAt(page: Page, head: number, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(head => {
      const others = (window as unknown as ConcordWindow).__concord?.connection.others ?? []
      return others.length == 1 && others[0].selection?.head == head
    }, head, { timeout, polling: pollEvery })
  } catch (error) {
    throw new Error(`Expected one other caret at ${head}, saw ${JSON.stringify(await othersSeen(page))}`, { cause: error })
  }
}

/** Press the tab's "work offline" toggle and wait until the connection says offline, or online again. */
export async function setOffline(page: Page, offline: boolean): Promise<void> {
  await page.getByTestId("offline-toggle").click()
  if (offline) await page.getByTestId("connection-status").filter({ hasText: "offline" }).waitFor()
  else await waitForOnline(page)
}

/** One tab's typing: `text` at the start or the end of block `block`. */
export interface Typing {
  page: Page
  block: number
  where: "start" | "end"
  text: string
}

/**
 * A merge of concurrent edits: `offline`'s tab goes offline and types while `online`'s types (and commits),
 * then `offline` comes back; resolves with both tabs' documents once they have converged.
 */
export async function typeWhileOneIsOffline(offline: Typing, online: Typing): Promise<TabDocument[]> {
  await setOffline(offline.page, true)
  await placeCaret(offline.page, offline.block, offline.where)
  await offline.page.keyboard.type(offline.text)
  await placeCaret(online.page, online.block, online.where)
  await online.page.keyboard.type(online.text)
  await waitForConvergence([online.page])
  await setOffline(offline.page, false)
  return waitForConvergence([offline.page, online.page])
}

/**
 * A new document under `strategy` with `text` typed in its first tab (the owner's), opened in a second
 * tab by its edit link (the page learns the strategy from the hub): the two tabs, both converged.
 */
export async function twoTabsOn(browser: Browser, baseUrl: string, strategy: StrategyName, text: string, first: TabOptions, second: TabOptions): Promise<[Page, Page]> {
  const docId = `${strategy}-${Date.now()}`
  const a = await openTab(browser, baseUrl, docId, { ...first, create: true, strategy })
  const badge = await a.getByTestId("strategy-badge").getAttribute("data-strategy")
  if (badge != strategy) throw new Error(`The document opened as ${badge}, not ${strategy}`)
  await a.getByTestId("editor").locator(".ProseMirror").click()
  await a.keyboard.type(text)
  await waitForConvergence([a])
  const b = await openTab(browser, baseUrl, docId, second)
  await waitForConvergence([a, b])
  return [a, b]
}
