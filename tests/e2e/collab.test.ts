import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import { browserSuite } from "./support/suite"
import {
  caretLabels, openTab, othersSeen, placeCaret, readDocument, typeInChunks, typeUntil,
  waitForCharacters, waitForConvergence, waitForOtherCaretAt, waitForTextIncluding, type TabOptions
} from "./support/browser"
import { blocksOf, countOf, onlyFrom, textsWithMark, wordsFrom } from "./support/doc-json"

// Each person types words from their own letters, so that every character can be traced back to its typist.
const alphabets = ["abcdefgh", "ijklmnop", "qrstuvwx"]

const suite = browserSuite({ closeTabsAfterEach: true })
let docCount = 0

async function open(docId: string, options: TabOptions = {}): Promise<Page> {
  const page = await openTab(suite.browser, suite.server.url, docId, options)
  suite.tabs.push(page)
  return page
}

/**
 * A new document whose top-level blocks are paragraphs with `lines` (upper case, so that no typed
 * letter is in them), opened in `count` tabs once the first tab's typing is acknowledged.
 */
async function documentWith(lines: string[], count: number, names: string[] = []): Promise<Page[]> {
  const docId = `collab-${++docCount}-${Date.now()}`
  const first = await open(docId, { create: true, name: names[0] })
  await first.getByTestId("editor").locator(".ProseMirror").click()
  await first.keyboard.type(lines.join("\n"))
  await waitForConvergence([first])
  const rest = []
  for (let i = 1; i < count; i++) rest.push(await open(docId, { name: names[i] }))
  const docs = await waitForConvergence([first, ...rest])
  expect(blocksOf(docs[0].json).map(b => b.text)).toEqual(lines)
  return [first, ...rest]
}

/** Wait until the tab's editor selection runs from `from` to `to` (ProseMirror reads keyboard selections on selectionchange). */
function waitForSelection(page: Page, from: number, to: number): Promise<unknown> {
  return page.waitForFunction(([from, to]) => {
    const state = (window as unknown as { __concord?: { connection: { state: { selection: { from: number; to: number } } | null } } }).__concord?.connection.state
    return state?.selection.from == from && state.selection.to == to
  }, [from, to] as const, { timeout: 10_000, polling: 50 })
}

/**
 * From the start of block `block`, move the caret `right` places and extend the selection `extend` places
 * with the keyboard, then wait until the selection spans `from`..`to`.
 */
async function selectAlong(page: Page, block: number, right: number, extend: number, from: number, to: number): Promise<void> {
  await placeCaret(page, block, "start")
  for (let i = 0; i < right; i++) await page.keyboard.press("ArrowRight")
  for (let i = 0; i < extend; i++) await page.keyboard.press("Shift+ArrowRight")
  await waitForSelection(page, from, to)
}

/** Click the tab's offline switch and wait until it says `status`. */
async function toggleOffline(page: Page, status: "offline" | "online"): Promise<void> {
  await page.getByTestId("offline-toggle").click()
  await page.getByTestId("connection-status").filter({ hasText: status }).waitFor()
}

async function converged(pages: Page[]): Promise<unknown> {
  const docs = await waitForConvergence(pages)
  for (const doc of docs.slice(1)) expect(doc.json).toEqual(docs[0].json)
  return docs[0].json
}

/** A keyboard selection (see selectAlong): `right` places into top-level block `block`, extended `extend` places, spanning from..to. */
interface KeyboardRange {
  block: number
  right: number
  extend: number
  from: number
  to: number
}

/**
 * A, offline, selects `deleted` and deletes it, while B, online, types each of `typing` with its caret
 * `right` characters into block `block` (at `pos`) and the hub commits it: B's blocks are then `typed`
 * and A's `left`; then A goes online.
 */
async function deletedOfflineWhileTyped(
  [a, b]: Page[], deleted: KeyboardRange, typing: { block: number; right: number; pos: number; text: string }[], typed: string[], left: string[]
): Promise<void> {
  await toggleOffline(a, "offline")
  await selectAlong(a, deleted.block, deleted.right, deleted.extend, deleted.from, deleted.to)
  await a.keyboard.press("Backspace")
  for (const { block, right, pos, text } of typing) {
    await selectAlong(b, block, right, 0, pos, pos)
    await b.keyboard.type(text)
  }
  await waitForConvergence([b])
  expect(blocksOf((await readDocument(b)).json).map(block => block.text)).toEqual(typed)
  expect(blocksOf((await readDocument(a)).json).map(block => block.text)).toEqual(left)
  await toggleOffline(a, "online")
}

/**
 * Two tabs on "THE BROWN FOX JUMPS": A, offline, deletes "BROWN FOX" (positions 5..14), while B types
 * each of `typing` with its caret `right` characters into the paragraph, making `typed`; then A goes online.
 */
async function brownFoxDeletedOffline(typing: { right: number; text: string }[], typed: string): Promise<Page[]> {
  const tabs = await documentWith(["THE BROWN FOX JUMPS"], 2)
  const places = typing.map(({ right, text }) => ({ block: 0, right, pos: right + 1, text }))
  await deletedOfflineWhileTyped(tabs, { block: 0, right: 4, extend: 9, from: 5, to: 14 }, places, [typed], ["THE  JUMPS"])
  return tabs
}

describe("collaborative editing in the browser", () => {
  it("three tabs typing at once into the same paragraph converge and keep every character", async () => {
    const pages = await documentWith(["ONE", "TWO"], 3)
    const typed = alphabets.map((letters, i) => " " + wordsFrom(letters, 300, i + 1))
    for (const page of pages) await placeCaret(page, 0, "end")
    await Promise.all(pages.map((page, i) => typeInChunks(page, typed[i], 15)))

    const doc = await converged(pages)
    const blocks = blocksOf(doc)
    expect(blocks.map(b => b.type)).toEqual(["paragraph", "paragraph"])
    expect(blocks[1].text).toBe("TWO")
    expect(blocks[0].text.startsWith("ONE")).toBe(true)
    for (const [i, letters] of alphabets.entries()) {
      // All of a person's letters are there, in the order they typed them.
      expect(countOf(blocks[0].text, letters)).toBe(countOf(typed[i], letters))
      expect(onlyFrom(blocks[0].text, letters)).toBe(onlyFrom(typed[i], letters))
    }
    expect(blocks[0].text.length).toBe(3 + typed.reduce((n, t) => n + t.length, 0))
  })

  it("three tabs typing different words at the same point at once keep every word whole", async () => {
    const pages = await documentWith(["ONE", "TWO"], 3)
    const words = alphabets.map((letters, i) => wordsFrom(letters, 80, i + 21).split(" "))
    for (const page of pages) await placeCaret(page, 0, "end")
    // A key at a time, all three at once, so that each tab's keys go a few to a batch while the others' arrive.
    await Promise.all(pages.map((page, i) => page.keyboard.type(" " + words[i].join(" "), { delay: 15 })))

    const text = blocksOf(await converged(pages))[0].text
    for (const [i, letters] of alphabets.entries()) {
      // Each person's letters, cut where anything else comes between them, are the words they typed.
      const runs = text.match(new RegExp(`[${letters}]+`, "g")) ?? []
      expect(runs, text).toEqual(words[i])
    }
  })

  it("three tabs typing at once into different paragraphs converge with each paragraph intact", async () => {
    const lines = ["ONE", "TWO", "THREE"]
    const pages = await documentWith(lines, 3)
    const typed = alphabets.map((letters, i) => " " + wordsFrom(letters, 300, i + 11))
    for (const [i, page] of pages.entries()) await placeCaret(page, i, "end")
    await Promise.all(pages.map((page, i) => typeInChunks(page, typed[i], 15)))

    const doc = await converged(pages)
    expect(blocksOf(doc).map(b => b.text)).toEqual(lines.map((line, i) => line + typed[i]))
  })

  it("a tab that worked offline merges its edits with the other tab's when it comes back", async () => {
    const [a, b] = await documentWith(["SHARED"], 2)
    await toggleOffline(a, "offline")
    await placeCaret(a, 0, "end")
    await placeCaret(b, 0, "end")

    const typedA = " " + wordsFrom(alphabets[0], 150, 21)
    const typedB = " " + wordsFrom(alphabets[1], 150, 22)
    await Promise.all([typeInChunks(a, typedA), typeInChunks(b, typedB)])
    await waitForConvergence([b])
    const apart = await Promise.all([a, b].map(readDocument))
    expect(apart[0].text).toBe("SHARED" + typedA)
    expect(apart[1].text).toBe("SHARED" + typedB)
    expect(apart[0].unconfirmed).toBeGreaterThan(0)
    await expect.poll(() => a.getByTestId("unacked-count").textContent()).toBe(String(apart[0].unconfirmed))

    await toggleOffline(a, "online")
    const [block] = blocksOf(await converged([a, b]))
    expect(block.text.startsWith("SHARED")).toBe(true)
    expect(block.text.length).toBe("SHARED".length + typedA.length + typedB.length)
    expect(onlyFrom(block.text, alphabets[0])).toBe(onlyFrom(typedA, alphabets[0]))
    expect(onlyFrom(block.text, alphabets[1])).toBe(onlyFrom(typedB, alphabets[1]))
    // The page follows the document a few times a second while the editor has the focus.
    await expect.poll(() => a.getByTestId("unacked-count").textContent()).toBe("0")
  })

  it("words deleted offline keep what the other tab typed into them meanwhile", async () => {
    // B types " quick" after "BROWN".
    const [a, b] = await brownFoxDeletedOffline([{ right: 9, text: " quick" }], "THE BROWN quick FOX JUMPS")
    // A's deletion, transformed over B's typing, deletes around it: B's words stay in both tabs.
    const [block] = blocksOf(await converged([a, b]))
    expect(block.text).toBe("THE  quick JUMPS")
  })

  it("a deletion across paragraphs made offline keeps what the other tab typed into them meanwhile", async () => {
    const [a, b] = await documentWith(["ONE TWO", "MIDDLE", "THREE FOUR"], 2)
    // Offline, A selects from "TWO" to "THREE" (positions 5..23, across the three paragraphs) and deletes
    // it; meanwhile B, online, types "quick" after "MID".
    await deletedOfflineWhileTyped([a, b], { block: 0, right: 4, extend: 16, from: 5, to: 23 },
      [{ block: 1, right: 3, pos: 13, text: "quick" }], ["ONE TWO", "MIDquickDLE", "THREE FOUR"], ["ONE  FOUR"])
    // A's deletion, transformed over B's typing, deletes around it: B's word stays, in the one paragraph left.
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["ONE quick FOUR"])
  })

  it("undoes a deletion made offline around what the other tab typed at two places in it meanwhile", async () => {
    // B types after "BROWN" and inside "FOX".
    const [a, b] = await brownFoxDeletedOffline([{ right: 9, text: "1" }, { right: 13, text: "2" }], "THE BROWN1 FO2X JUMPS")
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["THE 12 JUMPS"])
    // One Ctrl+Z in A puts the words back, each where it was, B's typing between them.
    await a.keyboard.press("Control+z")
    await waitForTextIncluding(b, "BROWN")
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["THE BROWN1 FO2X JUMPS"])
  })

  it("a deletion from a paragraph into a list item made offline keeps what the other tab typed in it, and undo puts all back", async () => {
    const docId = `collab-${++docCount}-${Date.now()}`
    const a = await open(docId, { create: true })
    await a.getByTestId("editor").locator(".ProseMirror").click()
    await a.keyboard.type("ONE TWO\n- THREE FOUR")
    const b = await open(docId)
    const start = (await waitForConvergence([a, b]))[0]
    expect(blocksOf(start.json).map(block => [block.type, block.text])).toEqual([["paragraph", "ONE TWO"], ["bullet_list", "THREE FOUR"]])
    // Offline, A selects from "TWO" into the list item, to "THR" (positions 5..15), and deletes it;
    // meanwhile B types "Z" after the item's "T".
    await deletedOfflineWhileTyped([a, b], { block: 0, right: 4, extend: 7, from: 5, to: 15 },
      [{ block: 1, right: 1, pos: 13, text: "Z" }], ["ONE TWO", "TZHREE FOUR"], ["ONE EE FOUR"])
    // The list item goes as A meant, and B's "Z" stays where A's deletion closed.
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["ONE ZEE FOUR"])
    await a.keyboard.press("Control+z")
    await waitForTextIncluding(b, "TWO")
    expect(blocksOf(await converged([a, b])).map(block => [block.type, block.text])).toEqual([["paragraph", "ONE TWO"], ["bullet_list", "TZHREE FOUR"]])
  })

  it("undo removes only this tab's last edit while another tab keeps typing", async () => {
    const [a, b] = await documentWith(["ONE", "TWO", "THREE"], 2)
    await placeCaret(a, 0, "end")
    // Each of A's edits is one input (as a paste or an IME commit is), so it is one undo step whatever the machine's load.
    await a.keyboard.insertText(" abab")
    // B types until A's undo is done and B has typed more after it: the undo happens while B is typing, on any machine.
    const textB = wordsFrom(alphabets[1], 5000, 31)
    let stopB = false
    await placeCaret(b, 2, "start")
    const bTyping = typeUntil(b, textB, () => stopB, 10)

    // A's second edit goes into the paragraph B is typing into, between remote changes.
    await waitForCharacters(a, alphabets[1], 20)
    await placeCaret(a, 2, "end")
    await a.keyboard.insertText(" cdcd")
    await waitForCharacters(a, alphabets[1], 60)
    await a.keyboard.press("Control+z")
    const seenAtUndo = onlyFrom(await readDocument(a).then(doc => doc.text), alphabets[1]).length
    await waitForCharacters(a, alphabets[1], seenAtUndo + 20)
    stopB = true
    const typedB = (await bTyping) + " "
    expect(typedB.length).toBeLessThan(textB.length)
    await b.keyboard.type(" ")

    const doc = await converged([a, b])
    expect(blocksOf(doc).map(block => block.text)).toEqual(["ONE abab", "TWO", typedB + "THREE"])
    // Redo brings the edit back, still only A's.
    await a.getByTestId("tb-redo").click()
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["ONE abab", "TWO", typedB + "THREE cdcd"])
  })

  it("undo of a paste keeps the words the other tab typed inside it, and redo brings the paste back beside them", async () => {
    const [a, b] = await documentWith(["THE FOX"], 2)
    // A pastes "QUICK BROWN " (one input, as a paste is) after "THE ".
    await selectAlong(a, 0, 4, 0, 5, 5)
    await a.keyboard.insertText("QUICK BROWN ")
    await waitForConvergence([a, b])
    // B types "very " inside it, before "BROWN".
    await selectAlong(b, 0, 10, 0, 11, 11)
    await b.keyboard.type("very ")
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["THE QUICK very BROWN FOX"])
    // A's undo takes back A's words only.
    await a.keyboard.press("Control+z")
    await waitForTextIncluding(b, "THE very FOX")
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["THE very FOX"])
    await a.getByTestId("tb-redo").click()
    await waitForTextIncluding(b, "QUICK")
    expect(blocksOf(await converged([a, b])).map(block => block.text)).toEqual(["THE very QUICK BROWN FOX"])
  })

  it("shows the other person's caret with their name, and keeps it at their text when text is inserted before it", async () => {
    const [a, b] = await documentWith(["Some words in the first paragraph", "Second paragraph"], 2, ["Ada Lovelace", "Grace Hopper"])
    await placeCaret(b, 0, "end")
    const label = a.getByTestId("editor").locator(".remote-caret-label", { hasText: "Grace Hopper" })
    await label.waitFor({ state: "visible" })
    expect(await caretLabels(a)).toEqual(["Grace Hopper"])
    const endOfFirst = 1 + "Some words in the first paragraph".length
    await waitForOtherCaretAt(a, endOfFirst)
    const before = (await label.boundingBox())!

    await placeCaret(a, 0, "start")
    const inserted = "Inserted before the caret, long enough to push it along. "
    await a.keyboard.type(inserted)
    await waitForOtherCaretAt(a, endOfFirst + inserted.length)
    const after = (await label.boundingBox())!
    // The label moved along with the text: to the right on the same line, or down to a later line.
    expect(after.y > before.y + 1 || (Math.abs(after.y - before.y) <= 1 && after.x > before.x + 1)).toBe(true)
    expect(await othersSeen(a)).toEqual([{ name: "Grace Hopper", head: endOfFirst + inserted.length }])

    // And the other way round: B sees A's caret, named, right after the inserted text.
    await b.getByTestId("editor").locator(".remote-caret-label", { hasText: "Ada Lovelace" }).waitFor({ state: "visible" })
    await waitForOtherCaretAt(b, 1 + inserted.length)
    await a.getByTestId("presence-user").filter({ hasText: "Grace Hopper" }).waitFor()
    await b.getByTestId("presence-user").filter({ hasText: "Ada Lovelace" }).waitFor()
  })

  it("formatting made in one tab appears in the other", async () => {
    const [a, b] = await documentWith(["intro"], 2)
    await placeCaret(a, 0, "end")
    await a.keyboard.press("Enter")
    await a.keyboard.type("# Heading from A\nfirst item")
    await placeCaret(a, 2, "start")
    await a.getByTestId("tb-bullet").click()
    await placeCaret(a, 2, "end")
    await a.keyboard.type("\nsecond item\n\nplain ")
    await a.getByTestId("tb-bold").click()
    await a.keyboard.type("strong words")
    await a.getByTestId("tb-bold").click()
    await a.keyboard.type(" after")

    await waitForTextIncluding(b, "strong words after")
    let blocks = blocksOf(await converged([a, b]))
    expect(blocks.map(block => [block.type, block.attrs.level ?? null, block.text])).toEqual([
      ["paragraph", null, "intro"],
      ["heading", 1, "Heading from A"],
      ["bullet_list", null, "first itemsecond item"],
      ["paragraph", null, "plain strong words after"]
    ])
    expect(blocks[2].node.content!.map(item => item.type)).toEqual(["list_item", "list_item"])
    expect(textsWithMark(await readDocument(b).then(d => d.json), "strong")).toEqual(["strong words"])

    // B formats too: "## " makes a heading, the toolbar turns a paragraph into a heading 1, italic and a list.
    await placeCaret(b, 3, "end")
    await b.keyboard.type("\n## Subheading from B\nTitle from B")
    await b.getByTestId("tb-h1").click()
    await b.keyboard.press("Enter")
    await b.getByTestId("tb-italic").click()
    await b.keyboard.type("leaning")
    await b.getByTestId("tb-bullet").click()

    await waitForTextIncluding(a, "leaning")
    blocks = blocksOf(await converged([a, b]))
    expect(blocks.slice(4).map(block => [block.type, block.attrs.level ?? null, block.text])).toEqual([
      ["heading", 2, "Subheading from B"],
      ["heading", 1, "Title from B"],
      ["bullet_list", null, "leaning"]
    ])
    expect(textsWithMark(blocks[6].node, "em")).toEqual(["leaning"])
  })
})
