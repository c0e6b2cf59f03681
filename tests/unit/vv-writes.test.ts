import { describe, expect, it } from "vitest"
import { EditorState } from "prosemirror-state"
import type { Node } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { applyVectorWrites, vectorDescriber, VersionVectorClock, type VvWriter } from "../../lib/strategies/vv/writes"
import { resolveConflict } from "../../lib/editor/resolve-conflict"
import { ConcordError, type BlockWrite, type VvSibling } from "../../lib/protocol"

const delhi: VvWriter = { author: { name: "Delhi", color: "#c2255c" }, clientId: "delhi" }
const mumbai: VvWriter = { author: { name: "Mumbai", color: "#1971c2" }, clientId: "mumbai" }

function doc(text: string, attrs: Record<string, unknown> = {}): Node {
  return schema.node("doc", null, [schema.node("paragraph", { id: "p1", ...attrs }, text ? [schema.text(text)] : [])])
}

/** The writes a client makes when it turns `before` into a paragraph holding `text`. */
function edit(clock: VersionVectorClock, before: Node, text: string): BlockWrite[] {
  const first = before.firstChild!
  const after = before.type.create(null, [first.type.create(first.attrs, text ? [schema.text(text)] : [])])
  return vectorDescriber(clock)(before, after).blocks!
}

const nobody = () => undefined

describe("version-vector block writes", () => {
  it("replaces a version the write saw, and keeps a concurrent one next to it", () => {
    const start = doc("5 PM")
    const d = new VersionVectorClock("delhi"), m = new VersionVectorClock("mumbai")
    const first = applyVectorWrites(schema, start, edit(d, start, "5:30 PM"), delhi, nobody)
    expect(first.records.map(r => r.outcome)).toEqual(["applied"])
    expect(first.doc.firstChild!.attrs.vv).toEqual({ delhi: 1 })
    // Mumbai wrote on the starting document: concurrent with Delhi's write.
    const second = applyVectorWrites(schema, first.doc, edit(m, start, "6 PM"), mumbai, () => delhi)
    expect(second.records.map(r => [r.outcome, r.against?.map(a => a.name)])).toEqual([["conflict", ["Delhi"]]])
    const versions = second.doc.firstChild!.attrs.conflict as VvSibling[]
    expect(versions.map(v => [v.author.name, v.vv])).toEqual([["Delhi", { delhi: 1 }], ["Mumbai", { mumbai: 1 }]])
    expect(second.doc.firstChild!.textContent).toBe("5:30 PM")
    // Delhi's next write saw only its own version: the conflict stays, with Delhi's version replaced.
    const third = applyVectorWrites(schema, second.doc, edit(d, second.doc, "5:45 PM"), delhi, nobody)
    expect(third.records[0].outcome).toBe("conflict")
    expect((third.doc.firstChild!.attrs.conflict as VvSibling[]).map(v => v.vv)).toEqual([{ delhi: 2 }, { mumbai: 1 }])
  })

  it("a resolution dominates every version and ends the conflict", () => {
    const start = doc("5 PM")
    const d = new VersionVectorClock("delhi"), m = new VersionVectorClock("mumbai")
    const one = applyVectorWrites(schema, start, edit(d, start, "5:30 PM"), delhi, nobody)
    const two = applyVectorWrites(schema, one.doc, edit(m, start, "6 PM"), mumbai, () => delhi)
    const state = EditorState.create({ doc: two.doc })
    const versions = two.doc.firstChild!.attrs.conflict as VvSibling[]
    const tr = resolveConflict(state, "p1", versions[1].node)!
    const writes = vectorDescriber(m)(two.doc, tr.doc).blocks!
    expect(writes[0].vv).toEqual({ delhi: 1, mumbai: 2 })
    const resolved = applyVectorWrites(schema, two.doc, writes, mumbai, nobody)
    expect(resolved.records[0].outcome).toBe("resolved")
    expect(resolved.doc.firstChild!.attrs.conflict).toBeNull()
    expect(resolved.doc.firstChild!.textContent).toBe("6 PM")
  })

  it("refuses a write whose vector a version already dominates or equals", () => {
    const start = doc("x", { vv: { delhi: 3 } })
    const stale: BlockWrite[] = [{ id: "p1", node: doc("y").firstChild!.toJSON(), after: null, vv: { delhi: 2 } }]
    const code = (writes: BlockWrite[]) => {
      try {
        applyVectorWrites(schema, start, writes, delhi, nobody)
        return "applied"
      } catch (e) {
        return e instanceof ConcordError ? e.code : String(e)
      }
    }
    expect(code(stale)).toBe("ERR_STALE_VERSION_VECTOR")
    expect(code([{ ...stale[0], vv: { delhi: 3 } }])).toBe("ERR_STALE_VERSION_VECTOR")
    expect(code([{ ...stale[0], vv: { delhi: 4 } }])).toBe("applied")
    expect(() => applyVectorWrites(schema, start, [{ ...stale[0], vv: undefined }], delhi, nobody)).toThrow(/no version vector/)
  })
})
