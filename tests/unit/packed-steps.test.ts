import { describe, expect, it } from "vitest"
import { Fragment, Slice } from "prosemirror-model"
import { AddMarkStep, ReplaceAroundStep, ReplaceStep, type Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { type CommittedOp, type LeanOp, packOp, packStep, unpackOps, unpackStep } from "../../lib/protocol"

const { nodes, marks } = schema
const text = (value: string, on = marks.strong.create()) => new Slice(Fragment.from(schema.text(value, [on])), 0, 0)
const plain = (value: string) => new Slice(Fragment.from(schema.text(value)), 0, 0)

describe("packed steps", () => {
  it("pack plain typing as [pos, text] and deletion as [from, to]", () => {
    expect(packStep(new ReplaceStep(5, 5, plain("héllo \u{1F600}")).toJSON())).toEqual([5, "héllo \u{1F600}"])
    expect(packStep(new ReplaceStep(3, 9, Slice.empty).toJSON())).toEqual([3, 9])
  })

  it("give back exactly the JSON they packed, keys in order, for every kind of step", () => {
    const steps: Step[] = [
      new ReplaceStep(5, 5, plain("a")),
      new ReplaceStep(3, 9, Slice.empty),
      new ReplaceStep(5, 5, text("bold")), // marked text: kept as JSON
      new ReplaceStep(5, 7, plain("x")), // a replacement
      new ReplaceStep(5, 5, plain("x"), true), // structure flag
      new ReplaceStep(4, 4, Slice.empty), // inserts nothing
      new ReplaceStep(5, 5, new Slice(Fragment.from([schema.text("a"), nodes.hard_break.create()]), 0, 0)),
      new ReplaceStep(5, 5, new Slice(Fragment.from([nodes.paragraph.create(), nodes.paragraph.create()]), 1, 1)), // a split
      new ReplaceStep(2, 2, new Slice(Fragment.from(nodes.paragraph.create(null, schema.text("p"))), 0, 0)),
      new ReplaceAroundStep(0, 10, 1, 9, new Slice(Fragment.from(nodes.blockquote.create()), 0, 0), 1, true),
      new AddMarkStep(1, 4, marks.em.create())
    ]
    let packedAsArrays = 0
    for (const step of steps) {
      const json = step.toJSON()
      const packed = packStep(json)
      if (Array.isArray(packed)) packedAsArrays++
      else expect(packed).toBe(json)
      expect(JSON.stringify(unpackStep(JSON.parse(JSON.stringify(packed))))).toBe(JSON.stringify(json))
    }
    expect(packedAsArrays).toBe(2)
  })

  it("unpack the ops of an ops event, leaving whole ops as they came", () => {
    const lean: LeanOp = { version: 2, clientId: "a", seq: 1, baseVersion: 1, steps: [new ReplaceStep(1, 1, plain("hi")).toJSON(), new ReplaceStep(1, 2, Slice.empty).toJSON()] }
    const whole: CommittedOp = { ...lean, version: 3, seq: 2, author: { name: "a", color: "#123456" }, time: 5 }
    const packed = packOp(lean)
    expect(packed).toEqual([2, "a", 1, 1, [[1, "hi"], [1, 2]]])
    // A whole op packs to its lean form: author, time, summary and the rest stay behind.
    const described: CommittedOp = { ...whole, original: [], moves: [], summary: "typed" }
    expect(packOp(described)).toEqual([3, "a", 2, 1, [[1, "hi"], [1, 2]]])
    const [unpacked, same] = unpackOps(JSON.parse(JSON.stringify([packed, whole])))
    expect(JSON.stringify(unpacked)).toBe(JSON.stringify(lean))
    expect(same).toEqual(whole)
  })

  it("carry dropped steps, origins and a CRDT update in a sixth element, only when the op has them", () => {
    const dropped = [{ index: 0, step: new ReplaceStep(9, 9, plain("lost")).toJSON(), text: "lost", reason: "deleted" }]
    const withDropped: LeanOp = { version: 4, clientId: "b", seq: 7, baseVersion: 2, steps: [], dropped }
    const withUpdate: LeanOp = { version: 5, clientId: "c", seq: 1, baseVersion: 4, steps: [], update: "AQID" }
    expect(packOp(withDropped)).toEqual([4, "b", 7, 2, [], { dropped }])
    expect(packOp(withUpdate)).toEqual([5, "c", 1, 4, [], { update: "AQID" }])
    const split: LeanOp = { version: 6, clientId: "d", seq: 2, baseVersion: 3, steps: [{ stepType: "replace", from: 8, to: 9 }, { stepType: "replace", from: 2, to: 5 }], origins: [0, 0] }
    expect(packOp(split)).toEqual([6, "d", 2, 3, [[8, 9], [2, 5]], { origins: [0, 0] }])
    const unpacked = unpackOps(JSON.parse(JSON.stringify([packOp(withDropped), packOp(withUpdate), packOp(split)])))
    expect(unpacked).toEqual([withDropped, withUpdate, split])
  })
})
