import { describe, expect, it } from "vitest"
import { docToText, TextPatcher, textToDoc } from "../../lib/ot/trace-text"
import { CollabHarness } from "../support/collab-harness"
import { flattenPatches, loadTrace, traceNames } from "../support/traces"

// The typist's round trip to the hub, in patches: its batch and the acknowledgement move every
// `roundTrip` patches, so it types ahead and sends batches of up to that many steps.
const roundTrip = 64

// About 45 s of CPU for the five traces (540,000 patches, each applied by the typist, the hub and the
// observer). Profiled: ProseMirror's step.apply is O(blocks) per step on these documents of up to
// 1,200 paragraphs, and more than half of the time is garbage collection caused by prosemirror-model's
// resolve cache, a WeakMap keyed by every document version, which keeps each version alive until a
// full collection (with the cache bypassed the same run takes less than half the CPU). The op log's
// replay (invariant 1) is left to the fuzz tests, where documents are small.
describe("editing traces typed through the hub", () => {
  it.each(traceNames)("%s: the typist and an observer both end at the trace's end content", name => {
    const trace = loadTrace(name)
    const h = new CollabHarness(textToDoc(trace.startContent), 2)
    const patcher = new TextPatcher(h.clients[0].doc)
    let typed = 0
    for (const [pos, numDeleted, insert] of flattenPatches(trace)) {
      const steps = patcher.patchToSteps(pos, numDeleted, insert)
      h.edit(0, s => steps.reduce((tr, step) => tr.step(step), s.tr))
      if (++typed % roundTrip == 0) {
        h.deliverToHub(0)
        h.deliverToClient(0)
        h.deliverToClient(1)
      }
    }
    h.settle()
    expect(h.hub.ops.length).toBeGreaterThan(typed / roundTrip / 2)
    for (const client of h.clients) {
      expect(client.sync.idle).toBe(true)
      expect(client.sync.version).toBe(h.hub.version)
      expect(client.doc.eq(h.hub.doc)).toBe(true)
      expect(docToText(client.doc) === trace.endContent).toBe(true)
    }
  })
})
