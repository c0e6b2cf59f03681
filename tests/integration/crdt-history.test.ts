import { describe, expect, it, vi } from "vitest"
import * as Y from "yjs"
import type { Node } from "prosemirror-model"
import { io } from "socket.io-client"
import { updateYFragment, ySyncPluginKey } from "y-prosemirror"
import { serverSuite } from "../support/server-suite"
import { until } from "../support/test-client"
import { typeInYjs } from "../support/yjs-typing"
import { CrdtConnection } from "../../lib/client/crdt-connection"
import { createDocument } from "../../lib/client/create-document"
import { HistoryModel, restoreVersion } from "../../lib/history"
import { restoresMeta } from "../../lib/ot"
import type { CommittedOp, ErrorJSON, JoinResult, Reply, SubmitResult } from "../../lib/protocol"
import { crdtFragment, decodeUpdate, encodeUpdate } from "../../lib/strategies/crdt/updates"

const suite = serverSuite()

/** Ada creates a CRDT document and Bob opens it with its edit link. */
async function adaAndBob(): Promise<[CrdtConnection, CrdtConnection]> {
  const docId = `crdt-history-${Date.now()}`
  const { links } = await createDocument({ docId, strategy: "crdt" }, suite.server.url)
  const ada = suite.closeAtEnd(new CrdtConnection({ docId, token: links.owner, user: { name: "Ada", color: "#c2255c" }, url: suite.server.url }))
  const bob = suite.closeAtEnd(new CrdtConnection({ docId, token: links.edit, user: { name: "Bob", color: "#1971c2" }, url: suite.server.url }))
  for (const c of [ada, bob]) await until(() => c.status == "online", wake => c.subscribe(wake), 20_000, "online")
  return [ada, bob]
}

/** Type `text` at the end of the first paragraph, as the editor's binding writes it into Yjs. */
function type(c: Pick<CrdtConnection, "ydoc">, text: string): void {
  typeInYjs(c.ydoc, text)
}

function acknowledged(c: CrdtConnection): Promise<void> {
  return until(() => c.unconfirmedCount == 0 && c.status == "online", wake => c.subscribe(wake), 20_000, "acknowledged")
}

function summaries(model: HistoryModel): string[] {
  return model.entries().map(entry => `${entry.author.name}: ${entry.summary}`)
}

/**
 * Each op the model holds, newest first, in words: unlike its entries, which put one person's typing
 * together only when it came within seconds, these do not depend on how fast the machine ran the test.
 */
function opWords(model: HistoryModel): string[] {
  return [...model.log.all].reverse().map(op => `${op.author.name}: ${op.summary}`)
}

describe("a CRDT document's history, from the hub", () => {
  it("lists who typed what, follows live ops, and fetches those missed while offline", async () => {
    const [ada, bob] = await adaAndBob()
    type(ada, "Hello")
    await acknowledged(ada)
    type(bob, " world")
    await acknowledged(bob)
    const model = new HistoryModel(ada.historySource(), { throttleMs: 0 })
    try {
      model.start()
      const listed = (expected: string[]) => until(() => !model.snapshot.loading && opWords(model).join("\n") == expected.join("\n"),
        wake => model.subscribe(wake), 20_000, expected.join(", "))
      await listed(["Bob: typed ' world' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(summaries(model)).toEqual(["Bob: typed ' world' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(model.authors().map(person => person.clientId)).toEqual([bob.clientId, ada.clientId])

      // A live op arrives whole (the connection asked for detail) and is described at once.
      // Ada too: an op that reached her before her request for detail did comes lean, and is fetched whole.
      await until(() => bob.version == 2, wake => bob.subscribe(wake), 20_000, "Bob caught up")
      await until(() => ada.version == 2, wake => ada.subscribe(wake), 20_000, "Ada caught up")
      const pages = vi.spyOn(ada, "fetchHistory")
      type(bob, "!")
      await listed(["Bob: typed '!' in paragraph 1", "Bob: typed ' world' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(pages).not.toHaveBeenCalled()

      // While Ada is away Bob types; her join brings the Yjs state, and her history fetches the ops.
      ada.goOffline()
      type(bob, " Bye")
      await acknowledged(bob)
      ada.goOnline()
      await listed(["Bob: typed ' Bye' in paragraph 1", "Bob: typed '!' in paragraph 1", "Bob: typed ' world' in paragraph 1", "Ada: typed 'Hello' in paragraph 1"])
      expect(model.log.newest).toBe(bob.version)
    } finally {
      model.close()
    }
  })

  it("records the version an update's writer had seen, so that the history explains how Yjs merged edits made offline", async () => {
    const [ada, bob] = await adaAndBob()
    // Typed while the first is on its way: based on it once it is acknowledged, nobody else having written.
    type(ada, "Hello")
    type(ada, ",")
    await acknowledged(ada)
    await until(() => bob.version == ada.version, wake => bob.subscribe(wake), 20_000, "Bob caught up")
    const seen = ada.version!
    // Online, with the document caught up: based on the head, so nothing to explain.
    type(bob, " world")
    await acknowledged(bob)
    await until(() => ada.version == bob.version, wake => ada.subscribe(wake), 20_000, "Ada caught up")
    ada.goOffline()
    type(ada, " offline")
    type(ada, " edits")
    type(bob, "!")
    await acknowledged(bob)
    type(bob, "?")
    await acknowledged(bob)
    const behind = bob.version!
    ada.goOnline()
    await acknowledged(ada)
    const ops = (await newest(ada, 10)).reverse()
    expect(ops.map(op => [op.author.name, op.version, op.baseVersion])).toEqual([
      ["Ada", seen - 1, seen - 2], ["Ada", seen, seen - 1], ["Bob", seen + 1, seen], ["Bob", seen + 2, seen + 1], ["Bob", seen + 3, seen + 2], ["Ada", behind + 1, seen + 1]
    ])
    const model = new HistoryModel(ada.historySource(), { throttleMs: 0 })
    try {
      model.start()
      await until(() => !model.snapshot.loading && model.log.newest == behind + 1, wake => model.subscribe(wake), 20_000, "history")
      const merged = model.log.all.find(op => op.version == behind + 1)!
      expect(model.explain(merged)).toMatchObject({
        count: 2, text: `written on v${seen + 1} while Bob's v${seen + 2}–v${seen + 3} arrived; its positions did not change`
      })
      expect(model.log.all.filter(op => op.version <= behind).map(op => model.explain(op))).toEqual([null, null, null, null, null])
      await until(() => bob.doc.textContent == ada.doc.textContent, wake => bob.subscribe(wake), 20_000, "converged")
    } finally {
      model.close()
    }
  })

  it("refuses an update based on a version beyond the head, or on no version, committing nothing", async () => {
    const { ada, head, before, update } = await keptWithStranger()
    const send = (baseVersion: unknown) => update({ baseVersion })
    expect(await send(head + 1)).toMatchObject({ code: "ERR_VERSION_FROM_FUTURE", message: `Base version ${head + 1} is newer than the document's version ${head}` })
    for (const bad of [-1, 1.5, "1", null]) expect(await send(bad)).toMatchObject({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining("baseVersion") })
    expect(await newest(ada)).toEqual(before)
    // An old base is no work for the hub: Yjs merges whatever the writer had not seen.
    expect(await send(0)).toBe("ok")
    expect((await newest(ada, 1))[0]).toMatchObject({ version: head + 1, baseVersion: 0, clientId: "mallory" })
  })

  it("commits nothing when a client rejoins with nothing new, deletions in the document included", async () => {
    const [ada, bob] = await adaAndBob()
    type(ada, "Hello")
    await acknowledged(ada)
    // Yjs sends its whole record of deletions with any update: a rejoin must not take that for news.
    ada.ydoc.transact(() => ((ada.ydoc.getXmlFragment(crdtFragment).get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(3, 2))
    await acknowledged(ada)
    const before = ada.version!
    for (let i = 0; i < 2; i++) {
      ada.goOffline()
      ada.goOnline()
      await acknowledged(ada)
    }
    type(bob, "!")
    await acknowledged(bob)
    await until(() => ada.version == bob.version, wake => ada.subscribe(wake), 20_000, "Ada caught up")
    expect(bob.version).toBe(before + 1)
  })
})

/**
 * Stand in for the editor view, which ySyncPlugin needs to write ProseMirror's changes into Yjs: on every
 * change of the connection, write its document into the Yjs fragment as the plugin's view update does.
 */
function bindView(c: CrdtConnection): void {
  c.subscribe(change => {
    if (change != "state" || !c.state) return
    const doc = c.state.doc
    c.ydoc.transact(() => updateYFragment(c.ydoc, c.ydoc.getXmlFragment(crdtFragment), doc, { mapping: new Map(), isOMark: new Map() }), ySyncPluginKey)
  })
}

function typeInEditor(c: CrdtConnection, text: string): void {
  c.dispatch(c.state!.tr.insertText(text, c.state!.doc.content.size - 1))
}

/** Restore `target` (the document at `version`) in the editor, as the history panel does. */
function restoreInEditor(c: CrdtConnection, target: Node, version: number): void {
  c.dispatch(restoreVersion(c.state!, target)!.setMeta(restoresMeta, version))
}

async function newest(c: CrdtConnection, limit?: number): Promise<CommittedOp[]> {
  return (await c.fetchHistory(undefined, limit)).ops
}

/** Ada's document holding "kept", acknowledged: its head and newest ops then, and a stranger's update (strangersUpdate). */
async function keptWithStranger() {
  const [ada] = await adaAndBob()
  type(ada, "kept")
  await acknowledged(ada)
  return { ada, head: ada.version!, before: await newest(ada), update: await strangersUpdate(ada) }
}

/**
 * A stranger with `c`'s link, joined on a socket of its own, holding an update that types " lost" on the
 * document it was sent: `send(fields)` sends that update as its seq 1, with `fields` added.
 */
async function strangersUpdate(c: CrdtConnection): Promise<(fields: Record<string, unknown>) => Promise<"ok" | ErrorJSON>> {
  const socket = suite.closeAtEnd(io(suite.server.url, { transports: ["websocket"], forceNew: true }))
  const joined: Reply<JoinResult> = await socket.emitWithAck("join", {
    docId: c.docId, clientId: "mallory", secret: "mallory-secret-0123456789", token: c.token, version: null, user: { name: "Mallory", color: "#123456" }
  })
  expect(joined.ok).toBe(true)
  const ydoc = new Y.Doc()
  Y.applyUpdate(ydoc, decodeUpdate((joined as { value: JoinResult }).value.crdt!.update))
  const state = Y.encodeStateVector(ydoc)
  typeInYjs(ydoc, " lost")
  const update = encodeUpdate(Y.encodeStateAsUpdate(ydoc, state))
  return async fields => {
    const reply: Reply<SubmitResult> = await socket.emitWithAck("update", { docId: c.docId, clientId: "mallory", seq: 1, update, ...fields } as never)
    return reply.ok ? "ok" : reply.error
  }
}

describe("a CRDT document's restores", () => {
  it("go out as updates of their own marked with the version, online or made offline, and the hub records the version's time", async () => {
    const [ada, bob] = await adaAndBob()
    bindView(ada)
    await until(() => ada.state != null, wake => ada.subscribe(wake), 20_000, "Ada's editor")
    typeInEditor(ada, "Hello")
    await acknowledged(ada)
    const v1 = ada.version!
    const atV1 = ada.state!.doc
    typeInEditor(ada, " world")
    await acknowledged(ada)

    // Typing before and after the restore waits while "x" is in flight; each goes in an update of its own.
    typeInEditor(ada, "x")
    restoreInEditor(ada, atV1, v1)
    typeInEditor(ada, "y")
    await acknowledged(ada)
    let ops = (await newest(ada)).reverse()
    expect(ops.map(op => op.version)).toEqual(ops.map((_, i) => i + 1))
    const restores = ops.filter(op => op.restored)
    expect(restores).toHaveLength(1)
    const [op] = restores
    expect(op).toMatchObject({ restored: { version: v1, time: ops[v1 - 1].time }, summary: `restored the version of ${new Date(ops[v1 - 1].time).toISOString()}` })
    expect(ops[op.version - 2].restored).toBeUndefined()
    expect(ops.slice(op.version)).toHaveLength(1)
    expect(ops[op.version].restored).toBeUndefined()
    await until(() => bob.doc.textContent == "Helloy", wake => bob.subscribe(wake), 20_000, "Bob sees the restore")
    expect(ada.doc.textContent).toBe("Helloy")

    // Made offline, between typing: it goes out at the join still marked, on its own.
    const v2 = ops.length
    const atV2 = ada.state!.doc
    ada.goOffline()
    typeInEditor(ada, " offline")
    restoreInEditor(ada, atV1, v1)
    typeInEditor(ada, " after")
    ada.goOnline()
    await acknowledged(ada)
    ops = (await newest(ada, 10)).filter(o => o.version > v2).reverse()
    expect(ops.map(o => o.restored?.version ?? null)).toEqual([null, v1, null])
    expect(ada.doc.textContent).toBe("Hello after")
    await until(() => bob.doc.textContent == "Hello after", wake => bob.subscribe(wake), 20_000, "Bob sees the offline restore")
    expect(atV2.textContent).toBe("Helloy")
  })

  it("refuses a restore update beyond the head, or a malformed one, committing nothing", async () => {
    const { ada, head, before, update } = await keptWithStranger()
    const send = (restores: unknown) => update({ restores })
    expect(await send(head + 1)).toMatchObject({ code: "ERR_INVALID_MESSAGE", message: expect.stringContaining(`newest version is ${head}`) })
    for (const bad of [-1, 1.5, "1", null]) expect(await send(bad)).toMatchObject({ code: "ERR_INVALID_MESSAGE" })
    expect(await newest(ada)).toEqual(before)
    expect(ada.doc.textContent).toBe("kept")
    // The same seq still commits a good restore afterwards.
    expect(await send(head)).toBe("ok")
    const [op] = await newest(ada, 1)
    expect(op).toMatchObject({ version: head + 1, clientId: "mallory", restored: { version: head, time: before[0].time } })
  })
})
