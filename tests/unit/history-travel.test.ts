import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { HistoryLog, VersionCache, VersionTravel, type HistorySource } from "../../lib/history"
import type { AuthorshipSpans, DocAtReply } from "../../lib/protocol"
import { b } from "../support/builders"

const { doc, p } = b

/** A promise with its resolve function, to settle it when the test says so. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(r => (resolve = r))
  return { promise, resolve }
}

/** A hub that answers docAt at once and authorship when told, recording the order of requests. */
function fakeSource(version: Node, events: string[], counted: Promise<AuthorshipSpans>): HistorySource {
  const reply: DocAtReply = { version: 5, base: 5, doc: new TextEncoder().encode(JSON.stringify(version.toJSON())), steps: [] }
  return {
    user: { name: "Ada", color: "#000000" }, clientId: "ada", version: 9, state: null, status: "online",
    subscribe: () => () => {}, onOps: () => () => {},
    fetchHistory: () => Promise.reject(new Error("not used")),
    fetchVersion: async () => (events.push("docAt"), reply),
    fetchAuthorship: () => (events.push("authorship"), counted),
    mapConfirmed: pos => pos, dispatch: () => {}
  }
}

describe("travelling to a version the hub sends", () => {
  it("asks for its authorship as the document arrives, and shows it only once the first screen is painted", async () => {
    const events: string[] = []
    const counted = deferred<AuthorshipSpans>()
    const painted = deferred<void>()
    const cache = new VersionCache(fakeSource(doc(p("hello")), events, counted.promise), new HistoryLog())
    const travel = new VersionTravel(cache, () => 9, () => {}, {
      painted: () => (events.push("painting"), painted.promise),
      prepareDelay: 1e9
    })
    const shown = travel.show(5)
    await expect.poll(() => events).toEqual(["docAt", "authorship", "painting"])
    expect(travel.state.doc?.textContent).toBe("hello")
    // The hub has counted, but the first screen is not painted yet: the spans wait.
    counted.resolve({ version: 5, from: 0, spans: [{ from: 1, to: 6, author: { name: "Bob", color: "#111111" } }] })
    await new Promise(resolve => setTimeout(resolve))
    expect([travel.state.spans, travel.state.loading]).toEqual([null, true])
    painted.resolve()
    await shown
    expect(travel.state.spans?.map(s => s.author.name)).toEqual(["Bob"])
    expect([travel.state.authorshipFrom, travel.state.loading]).toEqual([0, false])
    travel.close()
  })

  it("asks for the authorship of a version it has at hand only once it is painted, and not for versions passed on the way", async () => {
    const events: string[] = []
    const counted = Promise.resolve<AuthorshipSpans>({ version: 6, from: 0, spans: [] })
    const cache = new VersionCache(fakeSource(doc(p("hello")), events, counted), new HistoryLog())
    for (const version of [4, 5, 6]) cache.remember(version, doc(p(`version ${version}`)))
    const travel = new VersionTravel(cache, () => 9, () => {}, { painted: () => (events.push("painting"), Promise.resolve()), prepareDelay: 1e9 })
    // A drag over three versions the cache holds, within one frame.
    const shows = [4, 5, 6].map(version => travel.show(version))
    await Promise.all(shows)
    expect(events).toEqual(["painting", "painting", "painting", "authorship"])
    expect([travel.state.version, travel.state.doc?.textContent, travel.state.loading]).toEqual([6, "version 6", false])
    travel.close()
  })
})
