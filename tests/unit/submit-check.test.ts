import { describe, expect, it } from "vitest"
import { limits, parse } from "../../lib/protocol"

const step = { stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: "x" }] } }
const submit = { docId: "plans", clientId: "ada", seq: 3, baseVersion: 7, steps: [step] }

const refused = (value: unknown) => {
  try {
    parse.submit(value)
  } catch (error) {
    return error as { code: string; message: string }
  }
  return null
}

describe("the hub's check of a submit", () => {
  it("takes a request with every field, and passes on only the fields a submit has", () => {
    const full = { ...submit, steps: [step, step], stickLeft: [0, 1], clock: 1_700_000_000_000.5, restores: 2, blocks: [{ id: "b1", node: { type: "paragraph" }, after: null, vv: { ada: 3 } }] }
    expect(parse.submit(full)).toEqual(full)
    const extra = parse.submit({ ...submit, admin: true, __proto__: { polluted: 1 } })
    expect(extra).toEqual(submit)
    expect(Object.keys(extra)).toEqual(["docId", "clientId", "seq", "baseVersion", "steps"])
    expect((extra as unknown as { polluted?: number }).polluted).toBeUndefined()
  })

  it("refuses what is not a submit, naming the field", () => {
    const cases: [unknown, string][] = [
      [null, "Invalid submit: must be an object"],
      [[submit], "Invalid submit: must be an object"],
      [{ ...submit, docId: "a b" }, "Invalid submit: docId:"],
      [{ ...submit, docId: "x".repeat(65) }, "Invalid submit: docId:"],
      [{ ...submit, clientId: "" }, "Invalid submit: clientId:"],
      [{ ...submit, clientId: 5 }, "Invalid submit: clientId:"],
      [{ ...submit, seq: 0 }, "Invalid submit: seq:"],
      [{ ...submit, seq: 1.5 }, "Invalid submit: seq:"],
      [{ ...submit, seq: 2 ** 53 }, "Invalid submit: seq:"],
      [{ ...submit, baseVersion: -1 }, "Invalid submit: baseVersion:"],
      [{ ...submit, baseVersion: "7" }, "Invalid submit: baseVersion:"],
      [{ ...submit, steps: [] }, "Invalid submit: steps:"],
      [{ ...submit, steps: step }, "Invalid submit: steps:"],
      [{ ...submit, steps: [{ ...step, from: 2 }] }, "Invalid submit: steps.0: from must not be after to"],
      [{ ...submit, stickLeft: [1] }, "Invalid submit: stickLeft:"],
      [{ ...submit, steps: [step, step], stickLeft: [1, 0] }, "Invalid submit: stickLeft:"],
      [{ ...submit, stickLeft: [0.5] }, "Invalid submit: stickLeft:"],
      [{ ...submit, stickLeft: 0 }, "Invalid submit: stickLeft:"],
      [{ ...submit, clock: Infinity }, "Invalid submit: clock:"],
      [{ ...submit, clock: "now" }, "Invalid submit: clock:"],
      [{ ...submit, blocks: [{ id: "", node: null, after: null }] }, "Invalid submit: blocks.0.id:"],
      [{ ...submit, blocks: [{ id: "b", node: null, after: null, vv: { ada: -1 } }] }, "Invalid submit: blocks.0.vv.ada:"],
      [{ ...submit, restores: -2 }, "Invalid submit: restores:"]
    ]
    for (const [value, message] of cases) {
      const error = refused(value)
      expect([value, error?.code]).toEqual([value, "ERR_INVALID_MESSAGE"])
      expect(error!.message.startsWith(message), `${error!.message} for ${JSON.stringify(value)}`).toBe(true)
    }
  })

  it("says a batch is too large before anything else", () => {
    const steps = Array.from({ length: limits.maxStepsPerBatch + 1 }, () => step)
    expect(refused({ ...submit, seq: -1, steps })).toMatchObject({ code: "ERR_BATCH_TOO_LARGE" })
    expect(parse.submit({ ...submit, steps: steps.slice(1) }).steps).toHaveLength(limits.maxStepsPerBatch)
  })
})
