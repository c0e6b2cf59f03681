import { mkdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser, Locator, Page } from "playwright-core"
import { parseScenario, runAll, type StrategyName } from "../../lib/strategies"
import { removeDataDir, type ServerProcess } from "../support/server-process"
import { launchBrowser } from "./support/browser"
import { startUiServer } from "./support/server"

const screenshots = fileURLToPath(new URL("../../test-results/", import.meta.url))
const headline = "Breaking: PM speaks at 5 PM"
const secondLine = "Reporters are gathering at the press club."

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

/** Open the lab in a new browser context, at desktop size unless told otherwise. */
async function openLab(options: { width: number; height: number; mobile?: boolean } = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({
    baseURL: server.url, viewport: { width: options.width, height: options.height }, isMobile: !!options.mobile, hasTouch: !!options.mobile, acceptDownloads: true
  })
  const page = await context.newPage()
  await page.goto("/lab")
  await page.getByTestId("lab-editor").first().locator(".ProseMirror").waitFor()
  return page
}

const column = (page: Page, strategy: StrategyName) => page.locator(`[data-testid="lab-column"][data-strategy="${strategy}"]`)
const editor = (page: Page, leader: string) => page.locator(`[data-testid="lab-leader"][data-leader="${leader}"] [data-testid="lab-editor"] .ProseMirror`)

/** The text of an element made of paragraphs, one line each. */
function paragraphs(locator: Locator): Promise<string> {
  return locator.evaluate(element => [...element.querySelectorAll("p")].map(p => p.textContent).join("\n"))
}

function finalText(page: Page, strategy: StrategyName, leader: string): Promise<string> {
  return paragraphs(column(page, strategy).locator(`[data-testid="lab-final-text"][data-leader="${leader}"]`))
}

async function stat(page: Page, strategy: StrategyName, name: "chars-lost" | "words-broken" | "words-spliced" | "edits-lost" | "converged" | "conflicts"): Promise<string> {
  return (await column(page, strategy).getByTestId(`lab-${name}`).textContent()) ?? ""
}

/** Wait until `read` gives `expected`. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout
  let last: T = await read()
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
    last = await read()
  }
  expect(last).toEqual(expected)
}

/** Check that nothing makes the page scroll sideways, and save a full-page screenshot. */
async function expectFits(page: Page, width: number, file: string): Promise<void> {
  const measure = await page.evaluate(() => {
    const sticking = [...document.querySelectorAll("body *")]
      .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
      .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`)
    return { innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, sticking: sticking.slice(0, 10) }
  })
  await page.screenshot({ path: screenshots + file, fullPage: true })
  expect(measure.innerWidth, file).toBe(width)
  expect(measure.scrollWidth, `${file}: wider than the viewport because of ${measure.sticking.join(", ")}`).toBeLessThanOrEqual(width)
}

describe("conflict lab", () => {
  it("replays the shared headline: OT keeps both edits, LWW loses one, version vectors ask and the choice reaches both leaders", async () => {
    const page = await openLab()
    try {
      await page.getByTestId("lab-scenario").selectOption({ label: "Shared headline" })
      await page.getByTestId("lab-run").click()
      await column(page, "vv").getByTestId("lab-conflict").waitFor()

      const merged = `Breaking: PM speaks at 6:30 PM\n${secondLine}`
      // y-prosemirror's binding writes the "5" -> "6" replacement as delete then insert: Yjs puts the "6" after ":30".
      const crdtMerged = `Breaking: PM speaks at :306 PM\n${secondLine}`
      for (const strategy of ["ot", "crdt"] as const) {
        expect(await finalText(page, strategy, "Delhi")).toBe(strategy == "ot" ? merged : crdtMerged)
        expect(await finalText(page, strategy, "Mumbai")).toBe(strategy == "ot" ? merged : crdtMerged)
        expect(await stat(page, strategy, "chars-lost")).toBe("0")
        expect(await stat(page, strategy, "converged")).toBe("yes")
        // Every edit kept, in a word neither wrote.
        expect(await stat(page, strategy, "words-spliced")).toBe("1")
        expect(await column(page, strategy).getByTestId("lab-spliced").textContent())
          .toContain(`“${strategy == "ot" ? "6:30" : ":306"}” is Delhi's and Mumbai's edits in one word`)
        expect(await column(page, strategy).getByTestId("lab-verdict").textContent()).toBe("1 word spliced")
      }
      expect(await paragraphs(editor(page, "Delhi"))).toBe(merged)
      expect(await paragraphs(editor(page, "Mumbai"))).toBe(merged)

      for (const strategy of ["lww", "lww-doc"] as const) {
        expect(await finalText(page, strategy, "Delhi")).toBe(`Breaking: PM speaks at 6 PM\n${secondLine}`)
        expect(await stat(page, strategy, "chars-lost")).toBe("3")
        expect(await stat(page, strategy, "edits-lost")).toBe("1")
        expect(await stat(page, strategy, "words-spliced")).toBe("0")
        const overwritten = column(page, strategy).getByTestId("lab-overwritten")
        expect(await overwritten.count()).toBe(1)
        const entry = await overwritten.textContent()
        expect(entry).toContain("Delhi's edit at 17:00:01 lost to Mumbai's at 17:00:03")
        expect(entry).toContain("Discarded “:30”")
      }

      const vv = column(page, "vv")
      expect(await stat(page, "vv", "conflicts")).toBe("1")
      const conflict = vv.getByTestId("lab-conflict")
      expect(await conflict.getByTestId("lab-pick").count()).toBe(2)
      expect(await conflict.textContent()).toContain("Breaking: PM speaks at 5:30 PM")
      expect(await conflict.textContent()).toContain("Breaking: PM speaks at 6 PM")
      await expectFits(page, 1280, "lab-desktop.png")

      // The final text shows one version of the block in conflict, and says where the others are.
      expect(await vv.getByTestId("lab-final-note").textContent()).toContain("every version waits below for a person")
      await conflict.locator('[data-testid="lab-pick"][data-leader="Delhi"]').click()
      await eventually(() => vv.getByTestId("lab-conflict").count(), 0)
      expect(await vv.getByTestId("lab-final-note").count()).toBe(0)
      const chosen = `Breaking: PM speaks at 5:30 PM\n${secondLine}`
      expect(await finalText(page, "vv", "Delhi")).toBe(chosen)
      expect(await finalText(page, "vv", "Mumbai")).toBe(chosen)
      expect(await stat(page, "vv", "conflicts")).toBe("0")
      expect(await stat(page, "vv", "converged")).toBe("yes")
      expect(await vv.getByTestId("lab-resolution").textContent()).toContain("kept Delhi's version")

      // Each run's result is announced.
      expect(await page.locator("[role=status][data-testid=lab-run-state]").textContent()).toBe("Replayed 4 events under every strategy")
      // A deletion that a later write undoes is an edit lost, though it typed nothing.
      await page.getByTestId("lab-scenario").selectOption({ label: "Edit versus delete" })
      await page.getByTestId("lab-run").click()
      await column(page, "vv").getByTestId("lab-conflict").waitFor()
      for (const strategy of ["lww", "lww-doc"] as const) {
        expect(await stat(page, strategy, "chars-lost")).toBe("0")
        expect(await stat(page, strategy, "edits-lost")).toBe("1")
        expect(await column(page, strategy).getByTestId("lab-verdict").textContent()).toBe("1 deletion undone")
        expect(await column(page, strategy).getByTestId("lab-undone").textContent()).toBe("Brought back “Item 2: hiring”, which Delhi deleted")
      }
    } finally {
      await page.context().close()
    }
  })

  it("opens on a recording that already holds a split and a heal: Run shows columns that differ, each with its words broken beside its characters lost", async () => {
    const page = await openLab()
    try {
      expect(await page.getByTestId("lab-scenario").locator("option:checked").textContent()).toBe("Lab recording")
      const merged = `Live: Breaking: PM speaks at 5:30 PM today in Parliament\n${secondLine}`
      expect(await paragraphs(editor(page, "Delhi"))).toBe(merged)
      await page.getByTestId("lab-run").click()
      await column(page, "vv").getByTestId("lab-conflict").waitFor()

      const shown = new Set<string>()
      for (const strategy of ["ot", "crdt", "vv", "lww", "lww-doc"] as const) {
        shown.add(await finalText(page, strategy, "Delhi"))
        const stats = await column(page, strategy).locator(".lab-stats dt").allTextContents()
        expect(stats.slice(0, 2)).toEqual(["Characters lost", "Words broken"])
        // No strategy breaks a word typed by one edit on this story (tests/unit/broken-words.test.ts shows one that is broken).
        expect(await stat(page, strategy, "words-broken")).toBe("0")
        expect(await column(page, strategy).getByTestId("lab-broken").count()).toBe(0)
      }
      expect(shown.size).toBeGreaterThan(1)
      expect(await finalText(page, "ot", "Delhi")).toBe(merged)
      expect(await stat(page, "ot", "chars-lost")).toBe("0")
      expect(await column(page, "ot").getByTestId("lab-verdict").textContent()).toBe("Kept every edit")
      for (const strategy of ["lww", "lww-doc"] as const) {
        expect(Number(await stat(page, strategy, "chars-lost"))).toBeGreaterThan(0)
        expect(await column(page, strategy).getByTestId("lab-verdict").textContent()).toMatch(/^Lost \d+ characters$/)
      }
      expect(await column(page, "vv").getByTestId("lab-verdict").textContent()).toBe("1 conflict to resolve")

      await page.getByTestId("lab-start-over").click()
      await eventually(() => paragraphs(editor(page, "Delhi")), `${headline}\n${secondLine}`)
      expect(await page.getByTestId("lab-columns").count()).toBe(0)
    } finally {
      await page.context().close()
    }
  })

  it("records a live partition: both leaders type, the heal fills the columns, and the exported scenario replays the same", async () => {
    const page = await openLab()
    try {
      // The lab opens on a recording that holds the opening story; this one is recorded from scratch.
      await page.getByTestId("lab-start-over").click()
      await eventually(() => paragraphs(editor(page, "Delhi")), `${headline}\n${secondLine}`)
      // Connected: Delhi's typing shows in Mumbai's editor at once.
      await editor(page, "Delhi").click()
      await page.keyboard.press("Control+End")
      await page.keyboard.type(" Live.")
      await eventually(() => paragraphs(editor(page, "Mumbai")), `${headline}\n${secondLine} Live.`)

      // Delhi's clock runs five minutes ahead, so last-writer-wins takes Delhi's earlier write as the later one.
      await page.getByTestId("lab-skew-Delhi").fill("5")

      await page.getByTestId("lab-partition").click()
      await eventually(() => page.getByTestId("lab-partition").textContent(), "Heal")
      await editor(page, "Delhi").click()
      await page.keyboard.press("Control+Home")
      await page.keyboard.press("End")
      await page.keyboard.type(" today")
      await editor(page, "Mumbai").click()
      await page.keyboard.press("Control+Home")
      await page.keyboard.type("Live: ")
      await eventually(() => paragraphs(editor(page, "Delhi")), `${headline} today\n${secondLine} Live.`)
      await eventually(() => paragraphs(editor(page, "Mumbai")), `Live: ${headline}\n${secondLine} Live.`)
      expect(await page.getByTestId("lab-columns").count()).toBe(0)

      await page.getByTestId("lab-partition").click()
      const merged = `Live: ${headline} today\n${secondLine} Live.`
      await eventually(() => paragraphs(editor(page, "Delhi")), merged)
      await eventually(() => paragraphs(editor(page, "Mumbai")), merged)
      await column(page, "ot").waitFor()

      for (const strategy of ["ot", "crdt"] as const) {
        expect(await finalText(page, strategy, "Delhi")).toBe(merged)
        expect(await finalText(page, strategy, "Mumbai")).toBe(merged)
        expect(await stat(page, strategy, "chars-lost")).toBe("0")
      }
      const delhiWins = `${headline} today\n${secondLine} Live.`
      expect(await finalText(page, "lww", "Delhi")).toBe(delhiWins)
      expect(await finalText(page, "lww", "Mumbai")).toBe(delhiWins)
      expect(await stat(page, "lww", "chars-lost")).toBe("6")
      expect(await stat(page, "lww", "converged")).toBe("yes")
      const overwrite = await column(page, "lww").getByTestId("lab-overwritten").textContent()
      expect(overwrite).toMatch(/Mumbai's edit at 17:00:\d\d(\.\d+)? lost to Delhi's at 17:05:\d\d/)
      expect(overwrite).toContain("Delhi's clock runs 5 minutes ahead of Mumbai's")
      expect(await column(page, "vv").getByTestId("lab-conflict").count()).toBe(1)

      // The exported JSON is the scenario the columns show: replayed here, every strategy gives the same texts and losses.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("lab-export").click()])
      const check = parseScenario(readFileSync((await download.path())!, "utf8"))
      if (!check.ok) throw new Error(check.errors.join("; "))
      expect(check.scenario.leaders).toEqual([{ name: "Delhi", clockSkewMs: 300_000 }, { name: "Mumbai", clockSkewMs: 0 }])
      expect(check.scenario.events.map(e => ("edit" in e ? e.leader : "partition" in e ? "partition" : "heal")))
        .toEqual(["Delhi", "partition", "Delhi", "Mumbai", "heal"])
      const outcomes = runAll(check.scenario)
      for (const strategy of ["ot", "crdt", "vv", "lww", "lww-doc"] as const) {
        for (const leader of ["Delhi", "Mumbai"]) expect(await finalText(page, strategy, leader)).toBe(outcomes[strategy].finalTexts[leader])
        expect(await stat(page, strategy, "chars-lost")).toBe(String(outcomes[strategy].charsLost))
      }
      await expectFits(page, 1280, "lab-live-desktop.png")
    } finally {
      await page.context().close()
    }
  })

  it("fits a phone, with the columns stacked", async () => {
    const page = await openLab({ width: 390, height: 844, mobile: true })
    try {
      await page.getByTestId("lab-scenario").selectOption({ label: "Shared headline" })
      await column(page, "vv").getByTestId("lab-conflict").waitFor()
      const boxes = await Promise.all(["ot", "crdt"].map(name => column(page, name as StrategyName).boundingBox()))
      expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height - 1)
      await expectFits(page, 390, "lab-phone.png")
    } finally {
      await page.context().close()
    }
  })

  it("imports a pasted scenario, and lists every problem of a broken one", async () => {
    const page = await openLab()
    try {
      await page.getByTestId("lab-import").click()
      await page.getByTestId("lab-import-text").fill('{ "name": "broken", "leaders": [] }')
      await page.getByTestId("lab-import-load").click()
      const errors = await page.getByTestId("lab-import-errors").textContent()
      expect(errors).toContain("leaders: expected a list of 2 to 8 leaders")
      const scenario = {
        name: "Pasted", description: "Mumbai deletes the line Delhi edits.", start: ["One", "Two"],
        leaders: [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 0 }],
        events: [
          { at: 0, partition: true },
          { at: 1000, leader: "Delhi", edit: { type: "replaceText", block: "b2", from: 3, to: 3, text: " and three" } },
          { at: 2000, leader: "Mumbai", edit: { type: "deleteBlock", block: "b2" } },
          { at: 3000, heal: true }
        ]
      }
      await page.getByTestId("lab-import-text").fill(JSON.stringify(scenario))
      await page.getByTestId("lab-import-load").click()
      await column(page, "ot").waitFor()
      expect(await page.getByTestId("lab-scenario").locator("option:checked").textContent()).toBe("Pasted")
      const check = parseScenario(JSON.stringify(scenario))
      if (!check.ok) throw new Error(check.errors.join("; "))
      const outcomes = runAll(check.scenario)
      for (const strategy of ["ot", "lww"] as const) expect(await finalText(page, strategy, "Delhi")).toBe(outcomes[strategy].finalTexts.Delhi)
    } finally {
      await page.context().close()
    }
  })
})
