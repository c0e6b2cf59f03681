import { describe, expect, it } from "vitest"
import type { Page } from "playwright-core"
import type { ServerProcess } from "../support/server-process"
import { portOf } from "./support/server"
import { serversSuite } from "./support/suite"
import {
  placeCaret, readDocument, typeInChunks, waitForConvergence, waitForOnline,
  waitForTextIncluding
} from "./support/browser"
import { blocksOf, textsWithMark, wordsFrom } from "./support/doc-json"

const suite = serversSuite()
const { start } = suite

function open(server: ServerProcess, docId: string, create = false): Promise<Page> {
  return suite.open(server, docId, { create })
}

describe("durability in the browser", () => {
  it("a reload shows the same document, formatting included", async () => {
    const server = await start()
    const page = await open(server, "reload-doc", true)
    await page.getByTestId("editor").locator(".ProseMirror").click()
    await page.keyboard.type("# Kept\nSome ")
    await page.keyboard.press("Control+b")
    await page.keyboard.type("bold")
    await page.keyboard.press("Control+b")
    await page.keyboard.type(" text")
    const [before] = await waitForConvergence([page])

    await page.reload()
    await waitForOnline(page)
    const after = await readDocument(page)
    expect(after.json).toEqual(before.json)
    expect(after.version).toBe(before.version)
    expect(blocksOf(after.json).map(block => block.type)).toEqual(["heading", "paragraph"])
    expect(textsWithMark(after.json, "strong")).toEqual(["bold"])
    await page.getByTestId("editor").locator("h1", { hasText: "Kept" }).waitFor()
  })

  it("a server killed and restarted during editing loses no acknowledged edit and merges what was typed meanwhile", async () => {
    let server = await start()
    const docId = "restart-doc"
    const a = await open(server, docId, true)
    await a.getByTestId("editor").locator(".ProseMirror").click()
    await a.keyboard.type("ONE\nTWO")
    await waitForConvergence([a])
    const b = await open(server, docId)
    await placeCaret(a, 0, "end")
    await placeCaret(b, 1, "end")

    const beforeKill = " " + wordsFrom("abcdefgh", 120, 41)
    const aroundKill = " " + wordsFrom("abcdefgh", 150, 42)
    const whileDownA = " " + wordsFrom("abcdefgh", 60, 43)
    const whileDownB = " " + wordsFrom("ijklmnop", 80, 44)
    await typeInChunks(a, beforeKill)
    await waitForConvergence([a, b])
    const acknowledged = (await readDocument(b)).text
    expect(acknowledged).toBe("ONE" + beforeKill + "TWO")

    // Kill the server while A is typing, once B has seen part of it; B, which only reads, holds committed edits only.
    const port = portOf(server)
    const typing = typeInChunks(a, aroundKill, 10)
    await waitForTextIncluding(b, aroundKill.slice(0, 20))
    await server.stop("SIGKILL")
    await typing
    const seenByB = blocksOf((await readDocument(b)).json)[0].text
    expect(seenByB.startsWith("ONE" + beforeKill)).toBe(true)
    for (const page of [a, b]) await page.getByTestId("connection-status").filter({ hasText: "reconnecting" }).waitFor()

    await Promise.all([typeInChunks(a, whileDownA), typeInChunks(b, whileDownB)])
    const down = await Promise.all([a, b].map(readDocument))
    expect(down[0].unconfirmed).toBeGreaterThan(0)
    expect(down[1].unconfirmed).toBeGreaterThan(0)

    // Same data folder, same port: the pages reconnect by themselves.
    server = await start({ dataDir: server.dataDir, port })
    const docs = await waitForConvergence([a, b], 90_000)
    expect(docs[1].json).toEqual(docs[0].json)
    const expected = ["ONE" + beforeKill + aroundKill + whileDownA, "TWO" + whileDownB]
    expect(blocksOf(docs[0].json).map(block => block.text)).toEqual(expected)
    expect(expected[0].startsWith(seenByB)).toBe(true)

    // A new tab loads the same document from the restarted server's store.
    const c = await open(server, docId)
    expect((await readDocument(c)).json).toEqual(docs[0].json)
  })
})
