import { describe, expect, it } from "vitest"
import { io, type Socket } from "socket.io-client"
import { serverSuite } from "../support/server-suite"
import { settleAll, TestClient } from "../support/test-client"
import { knownLinks } from "../support/link-registry"
import { renameStep, titleOf } from "../../lib/schema"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { fetchSummaries } from "../../lib/client/document-summaries"
import { crdtAttrsMap } from "../../lib/strategies/crdt/title"
import { encodeUpdate } from "../../lib/strategies/crdt/updates"
import { until } from "../support/test-client"
import * as Y from "yjs"
import {
  limits, type ClientToServerEvents, type DocumentSummary, type Reply, type ServerToClientEvents, type StrategyName, type SubmitResult
} from "../../lib/protocol"

// Titles under every strategy on a real server, and the documents page's summaries.

const suite = serverSuite()

async function open(docId: string, id: string, strategy?: StrategyName) {
  return suite.closeAtEnd(await TestClient.open(suite.server.url, docId, id, !!strategy, strategy))
}

function socket(): Socket<ServerToClientEvents, ClientToServerEvents> {
  return suite.closeAtEnd(io(suite.server.url, { transports: ["websocket"], forceNew: true, reconnection: false }))
}

const titleAt = (c: TestClient) => titleOf(c.sync!.state.doc)

describe("a document's title under each strategy", () => {
  for (const strategy of ["ot", "lww", "lww-doc", "vv"] as const) {
    it(`${strategy}: is shared with the others, with the text, and the last rename wins`, async () => {
      const a = await open(`title-${strategy}`, `${strategy}-a`, strategy)
      const b = await open(`title-${strategy}`, `${strategy}-b`)
      a.edit(s => s.tr.step(renameStep("Plans")).insertText("hello", 1))
      await settleAll([a, b])
      expect(titleAt(b)).toBe("Plans")
      expect(b.text).toBe("hello")
      b.edit(s => s.tr.step(renameStep("Budget")))
      await settleAll([a, b])
      expect(titleAt(a)).toBe("Budget")
      const ops = await a.history()
      expect(ops.map(op => op.summary)).toContain("renamed the document to 'Budget'")
    })
  }

  it("crdt: is kept beside the text, shared, and a bad one is refused with nothing changed", async () => {
    const { links } = await createDocument({ docId: "title-crdt", strategy: "crdt" }, suite.server.url)
    const connect = (name: string, token: string) => suite.closeAtEnd(new CrdtConnection({ docId: "title-crdt", token, user: { name, color: "#3366cc" }, url: suite.server.url }))
    const a = connect("Ada", links.owner), b = connect("Bob", links.edit)
    const waitFor = (c: CrdtConnection, check: () => boolean, what: string) => until(check, wake => c.subscribe(wake), 20_000, what)
    await waitFor(a, () => a.status == "online", "Ada online")
    await waitFor(b, () => b.status == "online", "Bob online")
    a.ydoc.getMap(crdtAttrsMap).set("title", "Plans")
    await waitFor(b, () => titleOf(b.doc) == "Plans", "Bob sees the title")

    // A raw update that sets a title over 200 characters, or an attribute that is not the title.
    const s = socket()
    const joined = await s.emitWithAck("join", {
      docId: "title-crdt", clientId: "raw-title", secret: "raw-title-secret-0123456789", token: links.edit, version: null, user: { name: "Eve", color: "#3366cc" }, stateVector: encodeUpdate(Y.encodeStateVector(new Y.Doc()))
    })
    expect(joined.ok).toBe(true)
    // A refused update takes no seq: each try is seq 1.
    for (const [key, value] of [["title", "x".repeat(201)], ["title", "a\nb"], ["owner", "Eve"]] as const) {
      const eve = new Y.Doc()
      Y.applyUpdate(eve, Y.encodeStateAsUpdate(a.ydoc))
      const before = Y.encodeStateVector(eve)
      eve.getMap(crdtAttrsMap).set(key, value)
      const reply: Reply<SubmitResult> = await s.emitWithAck("update", { docId: "title-crdt", clientId: "raw-title", seq: 1, update: encodeUpdate(Y.encodeStateAsUpdate(eve, before)) })
      expect(reply.ok ? "ok" : reply.error.code).toBe("ERR_SCHEMA_VIOLATION")
    }
    const [summary] = await fetchSummaries([{ docId: "title-crdt", token: links.view }], suite.server.url)
    expect(summary).toMatchObject({ found: true, title: "Plans", strategy: "crdt" })
  })
})

describe("document summaries", () => {
  it("tell title, strategy, last edit and editors for a token that opens the document, and nothing otherwise", async () => {
    const before = Date.now()
    const a = await open("summary-doc", "summary-ada", "ot")
    const b = await open("summary-doc", "summary-bob")
    a.edit(s => s.tr.step(renameStep("Quarterly plan")).insertText("hi", 1))
    await settleAll([a, b])
    b.type(" there")
    await settleAll([a, b])
    const links = knownLinks("summary-doc")
    const summaries = await fetchSummaries([
      { docId: "summary-doc", token: links.view },
      { docId: "summary-doc", token: "not-the-token" },
      { docId: "no-such-doc", token: links.view }
    ], suite.server.url)
    const [found, wrongToken, missing] = summaries
    expect(found).toMatchObject({ docId: "summary-doc", found: true, title: "Quarterly plan", strategy: "ot", editors: ["summary-bob", "summary-ada"] })
    expect((found as Extract<DocumentSummary, { found: true }>).lastEdit).toBeGreaterThanOrEqual(before)
    // A wrong token and a missing document get the same answer, with nothing else in it.
    expect(wrongToken).toEqual({ docId: "summary-doc", found: false })
    expect(missing).toEqual({ docId: "no-such-doc", found: false })
  })

  it("refuse a request for too many documents, or without a token, with a clear error", async () => {
    const s = socket()
    const many = Array.from({ length: limits.maxSummaryDocuments + 1 }, (_, i) => ({ docId: `d${i}`, token: "t" }))
    const tooMany: Reply<DocumentSummary[]> = await s.emitWithAck("summaries", { documents: many })
    expect(tooMany.ok ? "ok" : tooMany.error).toMatchObject({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining(`at most ${limits.maxSummaryDocuments} documents`) })
    const noToken: Reply<DocumentSummary[]> = await s.emitWithAck("summaries", { documents: [{ docId: "summary-doc" }] } as never)
    expect(noToken.ok ? "ok" : noToken.error.code).toBe("ERR_INVALID_MESSAGE")
    const badId: Reply<DocumentSummary[]> = await s.emitWithAck("summaries", { documents: [{ docId: "../etc", token: "t" }] })
    expect(badId.ok ? "ok" : badId.error.code).toBe("ERR_INVALID_MESSAGE")
  })
})
