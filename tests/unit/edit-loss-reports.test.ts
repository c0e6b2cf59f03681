import { describe, expect, it } from "vitest"
import { Transform } from "prosemirror-transform"
import { transformBatch } from "../../lib/ot"
import { droppedMoot } from "../../lib/ot/transform-batch"
import { EditLossReports } from "../../lib/client/edit-loss-reports"
import type { DroppedStep, LeanOp } from "../../lib/protocol"
import { b } from "../support/builders"

const { doc, p } = b

/** The steps a batch written on `start` had dropped, when another writer's `concurrent` went first. */
function dropped(start: ReturnType<typeof doc>, batch: (tr: Transform) => Transform, concurrent: (tr: Transform) => Transform): DroppedStep[] {
  const theirs = concurrent(new Transform(start))
  const result = transformBatch(theirs.doc, batch(new Transform(start)).steps, theirs.mapping.maps)
  return result.dropped
}

describe("reports of edits the hub dropped", () => {
  const start = doc(p("hello world"))

  it("leave out a deletion of text someone else deleted first, and tell a lost insertion", () => {
    const deletion = dropped(start, tr => tr.delete(7, 10), tr => tr.delete(6, 12))
    expect(deletion).toHaveLength(1)
    expect(deletion.every(droppedMoot)).toBe(true)
    // A deletion dropped for another reason, or a step that changed text, is not moot.
    expect(droppedMoot({ ...deletion[0], reason: "Structure replace would overwrite content" })).toBe(false)
    expect(droppedMoot({ ...deletion[0], text: "X", step: { stepType: "replace", from: 8, to: 8, slice: { content: [{ type: "text", text: "X" }] } } })).toBe(false)

    const issues: [string, number][] = []
    const reports = new EditLossReports("me", (code, message, lost) => issues.push([message, lost]))
    const op = (version: number, drops: DroppedStep[]) => ({ version, clientId: "me", seq: version, baseVersion: 0, steps: [], dropped: drops }) as unknown as LeanOp
    reports.droppedByHub([op(1, deletion)], 0, 1)
    expect(issues).toEqual([])
    reports.droppedByHub([op(2, [...deletion, { index: 1, step: { stepType: "replace", from: 8, to: 8 }, text: "X", reason: "its range was deleted by a concurrent change" }])], 1, 2)
    expect(issues).toEqual([[`Some of your edits clashed with someone else's and could not be applied: "X".`, 1]])
  })
})
