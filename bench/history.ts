// `npm run bench:history [-- --quick] [-- --no-browser] [-- --no-typing] [-- --data=DIR]`: the history panel's two speed targets.
// 1. The document at any version of a 100,000-op document: docAt on a hub over SQLite (in-process),
//    then, in Chromium against a real server on the same data, from moving the slider to the version
//    painted in the preview (docAt over Socket.IO, parse, ProseMirror render), and to its authorship.
// 2. The panel stays responsive while 50 clients type: long tasks (PerformanceObserver "longtask") in a
//    tab with the panel open and used, or travelling through versions, and with it closed for
//    comparison, while LightClients type 5 keys/s each. Also long tasks while the slider is moved
//    through the 100,000-op document.
// The browser parts need `npm run build` first. Prints markdown tables. With --data=DIR the document is built
// in DIR and kept, and a later run with the same DIR measures it again without building it.
import { fork, type ChildProcess } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import type { Node } from "prosemirror-model"
import type { Browser, Page } from "playwright-core"
import type { StepJSON } from "../lib/protocol"
import { Hub } from "../server/hub/hub"
import { fetchedVersion } from "../lib/history"
import { hashToken, newToken } from "../server/link-tokens"
import { openSqliteStorage } from "../server/storage"
import { removeDataDir, startServerProcess, type ServerProcess } from "../tests/support/server-process"
import { rememberLinks } from "../tests/support/link-registry"
import { closeTab, launchBrowser, openTab, waitForOnline } from "../tests/e2e/support/browser"
import { createTestDocument } from "../tests/e2e/support/document-links"

const quick = process.argv.includes("--quick")
const withBrowser = !process.argv.includes("--no-browser")
const withTyping = withBrowser && !process.argv.includes("--no-typing")
const totalOps = quick ? 10_000 : 100_000
const writers = 8
const docId = "history-bench"
const keptData = process.argv.find(arg => arg.startsWith("--data="))?.slice("--data=".length)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function stats(values: number[]): string {
  const sorted = values.slice().sort((a, b) => a - b)
  return `${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${sorted[sorted.length - 1].toFixed(1)}`
}

/** A seeded random number generator, so that every run builds the same kind of document. */
function random(seed: number): () => number {
  let state = seed
  return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648)
}

/**
 * Build the document through the hub: `writers` concurrent writers, each submitting on the head it last
 * read while the others' submits are queued, so many ops are transformed. Mostly one typed character,
 * sometimes Enter, a deletion or bold.
 */
async function buildDocument(hub: Hub): Promise<void> {
  await hub.create({ docId })
  await hub.documents.open(docId)
  const next = random(42)
  let submitted = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let seq = 1; submitted < totalOps; seq++) {
      const count = ++submitted
      const doc = hub.documents.peek(docId)!
      const head = doc.doc
      const pos = textPosition(head, next)
      const roll = next()
      let step: StepJSON
      if (roll < 0.02) step = { stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "paragraph" }, { type: "paragraph" }], openStart: 1, openEnd: 1 } }
      else if (roll < 0.06 && pos > 3 && head.resolve(pos - 3).sameParent(head.resolve(pos))) step = { stepType: "replace", from: pos - 3, to: pos }
      else if (roll < 0.08 && pos > 4 && head.resolve(pos - 4).sameParent(head.resolve(pos))) step = { stepType: "addMark", mark: { type: "strong" }, from: pos - 4, to: pos }
      else step = { stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text: "abcdefghij klmnopqrst uvwxyz"[Math.floor(next() * 28)] }] } }
      await hub.submit({ docId, clientId: `w${w}`, seq, baseVersion: doc.version, steps: [step] }, { name: `Writer ${w}`, color: "#1971c2" })
      if (count % 10_000 == 0) console.error(`built ${count} ops in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    }
  }))
}

/** A random position inside a random textblock of `doc`. */
function textPosition(doc: Node, next: () => number): number {
  const index = Math.floor(next() * doc.childCount)
  let start = 0
  for (let i = 0; i < index; i++) start += doc.child(i).nodeSize
  const block = doc.child(index)
  return start + 1 + Math.floor(next() * (block.content.size + 1))
}

async function measureDocAt(dataDir: string): Promise<{ rows: string[]; version: number }> {
  const storage = openSqliteStorage({ file: join(dataDir, "concord.db") })
  const hub = new Hub({ storage })
  const head = (await hub.history({ docId, limit: 1 })).ops[0].version
  // Warm up: the first request loads the document (latest snapshot plus the ops after it).
  for (let i = 0; i < 20; i++) await hub.docAt({ docId, version: Math.floor((i / 20) * head) })
  const next = random(7)
  const docAt: number[] = [], built: number[] = [], pages: number[] = [], authorship: number[] = []
  let size = 0
  for (let i = 0; i < 200; i++) {
    const version = Math.floor(next() * (head + 1))
    let start = performance.now()
    const reply = await hub.docAt({ docId, version })
    docAt.push(performance.now() - start)
    start = performance.now()
    fetchedVersion(reply)
    built.push(performance.now() - start)
    size = Math.max(size, reply.doc.byteLength + JSON.stringify(reply.steps).length)
    start = performance.now()
    await hub.history({ docId, before: version + 1, limit: 500 })
    pages.push(performance.now() - start)
    start = performance.now()
    await hub.authorship({ docId, version, window: 500 })
    authorship.push(performance.now() - start)
  }
  const final = fetchedVersion(await hub.docAt({ docId, version: head }))
  await hub.close()
  await storage.close()
  return {
    version: head,
    rows: [
      `| docAt at a random version: the reply (the nearest snapshot's bytes and the steps after it, SQLite) | ${stats(docAt)} |`,
      `| that reply made into the document, as the page does (UTF-8 decode, JSON.parse, Node.fromJSON, up to 99 ops replayed), in Node | ${stats(built)} |`,
      `| history page of 500 ops before a random version | ${stats(pages)} |`,
      `| authorship at a random version over 500 ops, right after its docAt as the page asks (the document 500 ops before, the ops since, ChangeSet) | ${stats(authorship)} |`,
      `<!-- head document: ${final.content.size.toLocaleString("en-US")} positions, ${final.childCount} blocks; largest docAt reply ${(size / 1024).toFixed(0)} KB -->`
    ]
  }
}

/** Stop a server process, killing it when it does not end within 15 s of SIGTERM. */
async function stop(server: ServerProcess): Promise<void> {
  const ended = await Promise.race([server.stop(), new Promise(resolve => setTimeout(() => resolve("timeout"), 15_000))])
  if (ended == "timeout") await server.stop("SIGKILL")
}

/**
 * Move the slider to `version` the way a drag does (so that React sees it) and time, in the page, until
 * the first blocks of that version are painted, until the whole document is drawn, and until its
 * authorship is drawn.
 */
async function scrubTo(page: Page, version: number): Promise<{ first: number; whole: number; authored: number }> {
  return page.evaluate(async version => {
    const slider = document.querySelector<HTMLInputElement>("[data-testid=version-slider]")!
    const preview = () => document.querySelector<HTMLElement>("[data-testid=version-preview]")
    // Waits on the preview's data attributes as they change (polling would take the page's time too).
    const until = (check: () => boolean) => new Promise<void>((resolve, reject) => {
      if (check()) return resolve()
      const observer = new MutationObserver(() => {
        if (!check()) return
        observer.disconnect()
        clearTimeout(timer)
        resolve()
      })
      const timer = setTimeout(() => {
        observer.disconnect()
        reject(new Error(`Version ${version} not shown: ${preview()?.outerHTML.slice(0, 300)}`))
      }, 60_000)
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-showing", "data-version", "data-authorship"] })
    })
    const painted = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve)))
    const start = performance.now()
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(slider, String(version))
    slider.dispatchEvent(new Event("input", { bubbles: true }))
    await until(() => preview()?.dataset.showing == String(version))
    await painted()
    const first = performance.now() - start
    await until(() => preview()?.dataset.version == String(version))
    await painted()
    const whole = performance.now() - start
    await until(() => preview()?.dataset.version == String(version) && preview()?.dataset.authorship == "ready")
    return { first, whole, authored: performance.now() - start }
  }, version)
}

/** Click "previous version" in the page and time until that version is drawn with its authorship. */
function stepBack(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve, reject) => {
    const preview = document.querySelector<HTMLElement>("[data-testid=version-preview]")!
    const target = String(Number(preview.dataset.version) - 1)
    const start = performance.now()
    const observer = new MutationObserver(() => {
      if (preview.dataset.version != target || preview.dataset.authorship != "ready") return
      observer.disconnect()
      clearTimeout(timer)
      resolve(performance.now() - start)
    })
    const timer = setTimeout(() => reject(new Error(`Version ${target} not shown`)), 60_000)
    observer.observe(preview, { attributes: true, attributeFilter: ["data-version", "data-authorship"] })
    document.querySelector<HTMLButtonElement>("[data-testid=version-back]")!.click()
  }))
}

/**
 * A new edit link of the built document, made on its store before a server opens it: the document may
 * have been built by an earlier run, whose links nobody kept.
 */
async function reissueEditLink(dataDir: string): Promise<string> {
  const token = newToken()
  const storage = openSqliteStorage({ file: join(dataDir, "concord.db") })
  try {
    await storage.replaceLinks(docId, "edit", hashToken(token), Date.now())
  } finally {
    await storage.close()
  }
  return token
}

/** A tab on the built document opened with `token` (openTab opens the documents the tests created). */
async function openBuiltDocument(browser: Browser, url: string, token: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } })
  await context.addInitScript(value => localStorage.setItem("concord:identity", value), JSON.stringify({ name: "Bench", color: "#1971c2" }))
  const page = await context.newPage()
  await page.goto(`/d/${docId}#${token}`)
  await waitForOnline(page)
  return page
}

async function measureBrowser(dataDir: string, head: number): Promise<string[]> {
  const token = await reissueEditLink(dataDir)
  const server = await startServerProcess({ ui: true, dataDir, env: { NODE_ENV: "production", CONCORD_LOG_LEVEL: "error", CONCORD_RATE_LIMITS: "off" } })
  const browser = await launchBrowser()
  try {
    const page = await openBuiltDocument(browser, server.url, token)
    // tsx keeps function names with a helper that functions sent to the page would miss.
    await page.evaluate("window.__name = f => f")
    await page.getByTestId("history-panel").waitFor()
    const next = random(11)
    const trips = await page.evaluate(async ({ head, count }) => {
      const connection = (window as unknown as { __concord: { connection: { fetchVersion(version: number): Promise<unknown> } } }).__concord.connection
      const times: number[] = []
      for (let i = 0; i < count; i++) {
        const start = performance.now()
        await connection.fetchVersion(Math.floor(Math.random() * head))
        times.push(performance.now() - start)
      }
      return times
    }, { head, count: quick ? 10 : 30 })
    await page.evaluate(() => {
      const tasks: number[] = []
      ;(window as unknown as { __longTasks: number[] }).__longTasks = tasks
      new PerformanceObserver(list => list.getEntries().forEach(entry => tasks.push(entry.duration))).observe({ type: "longtask" })
    })
    const first: number[] = [], whole: number[] = [], authored: number[] = []
    for (let i = 0; i < (quick ? 10 : 60); i++) {
      const result = await scrubTo(page, Math.floor(next() * head))
      first.push(result.first)
      whole.push(result.whole)
      authored.push(result.authored)
    }
    // A step right after a move to a far version fetches what stepping needs (the document 500 ops
    // before and the ops since); the page fetches it by itself once a version has been shown for 150 ms.
    const steppedAtOnce: number[] = []
    for (let i = 0; i < (quick ? 5 : 10); i++) {
      await scrubTo(page, Math.floor(next() * head))
      steppedAtOnce.push(await stepBack(page))
    }
    await page.waitForTimeout(1_000)
    const stepped: number[] = []
    for (let i = 0; i < 20; i++) stepped.push(await stepBack(page))
    const tasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks)
    await closeTab(page)
    return [
      `| docAt from the page (Socket.IO round trip, the reply received; nothing decoded or drawn) | ${stats(trips)} |`,
      `| slider to the version's first screen painted (docAt over Socket.IO, parse, first blocks drawn) | ${stats(first)} |`,
      `| slider to the whole document drawn | ${stats(whole)} |`,
      `| slider to who-wrote-what drawn (asked of the hub as the document arrives, drawn once its first screen is painted) | ${stats(authored)} |`,
      `| a step back right after moving the slider (fetches the document 500 ops before and the ops since) | ${stats(steppedAtOnce)} |`,
      `| one step back, with authorship, a second after moving there (click in the page to drawn, no request) | ${stats(stepped)} |`,
      `| long tasks (> 50 ms) in the page during those slider moves and steps: ${tasks.length} | | | ${tasks.length ? Math.max(...tasks).toFixed(0) : "–"} |`
    ]
  } finally {
    await browser.close()
    await stop(server)
  }
}

/** Long tasks in a tab showing a document 50 LightClients type into, with the history panel open or closed. */
async function measureLongTasks(seconds: number): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "concord-bench-history-"))
  const server = await startServerProcess({ ui: true, dataDir, env: { NODE_ENV: "production", CONCORD_LOG_LEVEL: "error", CONCORD_RATE_LIMITS: "off" } })
  const browser = await launchBrowser()
  const rows: string[] = []
  try {
    for (const use of ["panel", "scrub", "closed"] as const) {
      const panel = use != "closed"
      const typed = `typing-${use}`
      // The typists, in worker processes, find its links in CONCORD_TEST_LINKS_DIR.
      rememberLinks(typed, await createTestDocument(server.url, typed))
      const page = await openTab(browser, server.url, typed, { name: "Watcher", viewport: { width: 1280, height: 900 } })
      const open = await page.getByTestId("history-panel").isVisible()
      if (open != panel) await page.getByTestId("history-toggle").click()
      await page.evaluate(() => {
        const tasks: number[] = []
        ;(window as unknown as { __longTasks: number[] }).__longTasks = tasks
        new PerformanceObserver(list => list.getEntries().forEach(entry => tasks.push(entry.duration))).observe({ type: "longtask" })
      })
      const workers: ChildProcess[] = []
      const done: Promise<unknown>[] = []
      for (let w = 0; w < 5; w++) {
        const child = fork(new URL("./hub-worker.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"] })
        workers.push(child)
        const ready = new Promise(resolve => child.once("message", resolve))
        child.send({ url: server.url, docId: typed, ids: Array.from({ length: 10 }, (_, i) => `w${w}c${i}`), mode: "paced", rate: 5, seconds })
        await ready
        done.push(new Promise(resolve => child.once("message", resolve)))
      }
      for (const child of workers) child.send({ go: true })
      // Someone uses the panel meanwhile: switches the filter and selects entries, or travels through
      // versions (the slider moved to a random one, as a drag does, twice; then back to now).
      const using = (async () => {
        if (!panel) return
        const end = Date.now() + seconds * 1000
        for (let round = 0; Date.now() < end - 1000; round++) {
          await page.waitForTimeout(1500)
          if (use == "panel") {
            await page.getByTestId("history-filter").selectOption(Math.random() < 0.5 ? "merges" : "all")
            await page.getByTestId("history-entry").first().click({ timeout: 5_000 }).catch(() => {})
          } else if (round % 3 == 2) await page.getByTestId("version-exit").click({ timeout: 5_000 }).catch(() => {})
          else await page.getByTestId("version-slider").evaluate((slider: HTMLInputElement) => {
            const version = Math.floor(Math.random() * Number(slider.max))
            Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(slider, String(version))
            slider.dispatchEvent(new Event("input", { bubbles: true }))
          })
        }
      })()
      await Promise.all([...done, using])
      const result = await page.evaluate(() => ({
        tasks: (window as unknown as { __longTasks: number[] }).__longTasks,
        version: (window as unknown as { __concord?: { connection: { version: number | null } } }).__concord?.connection.version ?? 0,
        entries: document.querySelectorAll("[data-testid=history-entry]").length
      }))
      const over = result.tasks.filter(d => d > 50)
      const longest = result.tasks.length ? Math.max(...result.tasks) : 0
      const how = { panel: "open, filter switched and entries clicked every 1.5 s", scrub: "open, slider moved to a random version every 1.5 s (back to now every third time)", closed: "closed" }[use]
      rows.push(`| ${how} | ${result.version} | ${result.tasks.length} | ${over.length} | ${longest.toFixed(0)} | ${panel ? result.entries : "–"} |`)
      await closeTab(page)
    }
  } finally {
    await browser.close()
    await stop(server)
    removeDataDir(dataDir)
  }
  return rows
}

const dataDir = keptData ?? mkdtempSync(join(tmpdir(), "concord-bench-history-"))
const linksDir = (process.env.CONCORD_TEST_LINKS_DIR = mkdtempSync(join(tmpdir(), "concord-bench-links-")))
try {
  const started = performance.now()
  const built = existsSync(join(dataDir, "concord.db"))
  if (!built) {
    mkdirSync(dataDir, { recursive: true })
    const storage = openSqliteStorage({ file: join(dataDir, "concord.db") })
    const hub = new Hub({ storage })
    await buildDocument(hub)
    await hub.close()
    await storage.close()
  }
  const buildSeconds = (performance.now() - started) / 1000
  console.error("measuring docAt")
  const docAt = await measureDocAt(dataDir)
  console.error("measuring the preview in Chromium")
  const browserRows = withBrowser ? await measureBrowser(dataDir, docAt.version) : []
  if (withTyping) console.error("measuring long tasks while 50 clients type")
  const typingRows = withTyping ? await measureLongTasks(quick ? 8 : 20) : []
  console.log(`\nMachine: ${cpus().length} cores, ${cpus()[0].model}, node ${process.version}. Document: ${docAt.version.toLocaleString("en-US")} ops by ${writers} concurrent writers through the hub (${built ? "built by an earlier run" : `built in ${buildSeconds.toFixed(0)} s`}), snapshot every 100 versions.\n`)
  console.log("| the document at a version | p50 ms | p95 ms | max ms |")
  console.log("|---|---|---|---|")
  for (const row of [...docAt.rows, ...browserRows]) console.log(row)
  if (typingRows.length) {
    console.log("\n50 LightClients typing 5 keys/s each into one document, watched by one Chromium tab:\n")
    console.log("| history panel | versions seen | long tasks | over 50 ms | longest ms | entries shown |")
    console.log("|---|---|---|---|---|---|")
    for (const row of typingRows) console.log(row)
  }
} finally {
  if (!keptData) removeDataDir(dataDir)
  removeDataDir(linksDir)
}
