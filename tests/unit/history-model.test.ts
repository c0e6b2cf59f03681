import { afterEach, describe, expect, it } from "vitest"
import { EditorState, type Transaction } from "prosemirror-state"
import { Step } from "prosemirror-transform"
import { history, undo } from "prosemirror-history"
import type { Node } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { HistoryModel, historyHighlightKey, historyHighlightPlugin, type HistorySource } from "../../lib/history"
import type { CommittedOp, StepJSON } from "../../lib/protocol"
import { b, tags } from "../support/builders"
import { ada, bob, historyHub, typeAt, type HistoryHub } from "./history-hub"

const { doc, p } = b

/** A HistorySource on an in-memory hub: Ada's editor, which takes in every op the hub commits when `sync` is called. */
class HubSource implements HistorySource {
  readonly user = { name: ada.name, color: ada.color }
  readonly clientId = ada.clientId
  readonly status = "online"
  state: EditorState
  version: number
  /** How many documents were asked of the hub. */
  fetchedVersions = 0
  /** How many authorships were asked of the hub. */
  countedAuthorships = 0
  private readonly opListeners = new Set<(ops: readonly CommittedOp[]) => void>()

  constructor(private readonly h: HistoryHub, start: Node, version: number) {
    this.state = EditorState.create({ doc: start, plugins: [historyHighlightPlugin(), history()] })
    this.version = version
  }

  subscribe() {
    return () => {}
  }

  onOps(listener: (ops: readonly CommittedOp[]) => void) {
    this.opListeners.add(listener)
    return () => void this.opListeners.delete(listener)
  }

  fetchHistory(before?: number, limit?: number) {
    return this.h.hub.history({ docId: this.h.docId, before, limit })
  }

  fetchVersion(version: number) {
    this.fetchedVersions++
    return this.h.hub.docAt({ docId: this.h.docId, version })
  }

  fetchAuthorship(version: number, window?: number) {
    this.countedAuthorships++
    return this.h.hub.authorship({ docId: this.h.docId, version, window })
  }

  mapConfirmed(pos: number) {
    return pos
  }

  dispatch(tr: Transaction) {
    this.state = this.state.apply(tr)
    if (tr.docChanged) void this.h.submitSteps(ada, this.version, tr.steps.map(s => s.toJSON() as StepJSON)).then(() => this.sync())
  }

  /** Apply the ops committed since `version`, as a connection would. */
  async sync(): Promise<void> {
    const ops = (await this.h.ops()).slice(this.version)
    const tr = this.state.tr
    for (const op of ops) {
      if (op.clientId == ada.clientId) continue
      for (const json of op.steps) tr.step(Step.fromJSON(schema, json))
    }
    this.state = this.state.apply(tr)
    this.version += ops.length
    for (const listener of this.opListeners) listener(ops)
  }
}

let h: HistoryHub | null = null
let model: HistoryModel | null = null
afterEach(async () => {
  model?.close()
  await h?.close()
  h = model = null
})

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

describe("the history model", () => {
  it("pages in the timeline, follows live ops, travels to a version and restores it", async () => {
    const start = doc(p("hello<a>"))
    h = await historyHub(start)
    await typeAt(h, bob, tags(start).a, " world")
    const source = new HubSource(h, await h.docAt(7), 7)
    model = new HistoryModel(source, { pageSize: 3, throttleMs: 0 })
    model.start()
    await until(() => !model!.snapshot.loading)
    expect(model.entries().map(e => e.summary)).toEqual(["typed 'rld' in paragraph 1"])
    while (model.snapshot.hasOlder) await model.loadOlder()
    expect(model.entries().map(e => e.summary)).toEqual(["typed ' world' in paragraph 1", "typed 'hello' in paragraph 1"])

    await h.submit(bob, 7, tr => tr.insertText("!", 12))
    await source.sync()
    await until(() => model!.snapshot.head == 8)
    expect(model.entries()[0].summary).toBe("typed ' world!' in paragraph 1")

    // Versions fetched from the hub come with the hub's count of who wrote what.
    await model.travel.show(1)
    expect(model.snapshot.travel.doc?.textContent).toBe("hello")
    expect(model.snapshot.travel.spans?.map(s => s.author.name)).toEqual(["Setup"])
    await model.travel.show(5)
    const written = () => model!.snapshot.travel.spans?.map(s => [s.author.name, model!.snapshot.travel.doc!.textBetween(s.from, s.to)])
    expect(written()).toEqual([["Setup", "hello"], ["Bob", " wor"]])
    expect([source.fetchedVersions, source.countedAuthorships]).toEqual([2, 2])
    // The first step fetches what stepping needs (the document 500 ops before, here version 0) once;
    // steps after it replay here, and count authorship here, as the hub did.
    await model.travel.step(-1)
    expect([model.snapshot.travel.version, model.snapshot.travel.doc?.textContent, written()]).toEqual([4, "hello wo", [["Setup", "hello"], ["Bob", " wo"]]])
    const fetched = [source.fetchedVersions, source.countedAuthorships]
    await model.travel.step(-1)
    expect([model.snapshot.travel.version, model.snapshot.travel.doc?.textContent]).toEqual([3, "hello w"])
    await model.travel.step(2)
    expect(written()).toEqual([["Setup", "hello"], ["Bob", " wor"]])
    expect([source.fetchedVersions, source.countedAuthorships]).toEqual(fetched)
    expect(model.restoreTravelVersion()).toBe(true)
    expect(model.snapshot.travel.version).toBeNull()
    expect(source.state.doc.textContent).toBe("hello wor")
    await until(() => model!.snapshot.head == 9)
    expect((await h.docAt(9)).textContent).toBe("hello wor")
  })

  it("makes a restore an undo step of its own, also right after typing", async () => {
    const start = doc(p("hello<a>"))
    h = await historyHub(start)
    await typeAt(h, bob, tags(start).a, " world")
    const source = new HubSource(h, await h.docAt(7), 7)
    model = new HistoryModel(source, { throttleMs: 0 })
    model.start()
    await until(() => !model!.snapshot.loading)
    // Ada types, and within the half second in which prosemirror-history joins edits, restores version 1.
    source.dispatch(source.state.tr.insertText("!", 12))
    await model.travel.show(1)
    expect(model.restoreTravelVersion()).toBe(true)
    expect(source.state.doc.textContent).toBe("hello")
    undo(source.state, tr => source.dispatch(tr))
    expect(source.state.doc.textContent).toBe("hello world!")
  })

  it("explains a dropped change and restores it", async () => {
    const start = doc(p("keep"), p("<a>some <b>word<c>"))
    h = await historyHub(start)
    await h.submit(bob, 1, tr => tr.delete(tags(start).a - 1, tags(start).c + 1))
    const dropped = await h.submit(ada, 1, tr => tr.addMark(tags(start).b, tags(start).c, schema.marks.strong.create()))
    const source = new HubSource(h, await h.docAt(3), 3)
    model = new HistoryModel(source, { throttleMs: 0 })
    model.start()
    await until(() => !model!.snapshot.loading)
    const entry = model.entries()[0]
    expect(entry.dropped).toBe(1)
    model.setFilter({ kind: "merges" })
    expect(model.entries().map(e => e.key)).toEqual([entry.key])
    expect(model.droppedOf(dropped)).toBeNull()
    await until(() => model!.droppedOf(dropped) != null)
    const [view] = model.droppedOf(dropped)!
    expect(view.text).toBe("bold on 'word' could not be applied: Bob deleted the paragraph it was in")
    expect(model.restoreDropped(view)).toBe(true)
    expect(source.state.doc.textBetween(0, source.state.doc.content.size, "|")).toBe("keep|word")
    await until(() => model!.snapshot.head == 4)
    expect(model.droppedOf(dropped)![0].restored).toBe(true)

    model.highlight(model.entries()[0])
    expect(historyHighlightKey.getState(source.state)!.find().length).toBeGreaterThan(0)
    model.highlight(null)
    expect(historyHighlightKey.getState(source.state)!.find()).toEqual([])
  })
})
