import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { Transform } from "prosemirror-transform"
import { schema, compactJSON, ColdBlock, coldFromJSON, coolBlocks, type NodeJSON } from "../../lib/schema"

const json: NodeJSON = {
  type: "doc",
  content: [
    { type: "heading", attrs: { id: "h1", level: 2 }, content: [{ type: "text", text: "Title" }] },
    { type: "paragraph", attrs: { id: "p1" }, content: [{ type: "text", text: "plain line" }] },
    { type: "paragraph", attrs: { id: "p2" } },
    { type: "paragraph", attrs: { id: "p3" }, content: [{ type: "text", text: "plain " }, { type: "text", text: "bold", marks: [{ type: "strong" }] }] },
    { type: "code_block", attrs: { id: "c1" }, content: [{ type: "text", text: "let x = 1\nlet y = 2" }] },
    {
      type: "bullet_list",
      attrs: { id: "l1" },
      content: [
        { type: "list_item", attrs: { id: "i1" }, content: [{ type: "paragraph", attrs: { id: "p4" }, content: [{ type: "text", text: "item one" }] }] },
        { type: "list_item", attrs: { id: "i2" }, content: [{ type: "paragraph", attrs: { id: "p5" }, content: [{ type: "text", text: "item two" }] }] }
      ]
    },
    { type: "paragraph", attrs: { id: "p6" }, content: [{ type: "text", text: "a" }, { type: "hard_break" }, { type: "text", text: "b" }] }
  ]
}

/** The cold blocks of `doc`, by block id, with whether their content is still unbuilt. */
function coldness(doc: Node): Record<string, boolean> {
  const found: Record<string, boolean> = {}
  doc.descendants(node => {
    if (node instanceof ColdBlock) found[node.blockId] = node.coldText != null
    return !(node instanceof ColdBlock)
  })
  return found
}

/** A seeded random number generator. */
function random(seed: number): () => number {
  let state = seed
  return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648)
}

describe("cold blocks", () => {
  it("builds the same document as nodeFromJSON, holding the textblocks of plain text cold", () => {
    const tree = schema.nodeFromJSON(json)
    const cold = coldFromJSON(schema, json)
    // Not the heading (its level is not the default), nor the blocks with marks or a hard break.
    expect(coldness(cold)).toEqual({ p1: true, p2: true, c1: true, p4: true, p5: true })
    expect(cold.content.size).toBe(tree.content.size)
    expect(cold.toJSON()).toEqual(tree.toJSON())
    expect(compactJSON(cold)).toEqual(compactJSON(tree))
    expect(cold.child(1).textContent).toBe("plain line")
    cold.check()
    // Sizes, JSON, compact JSON, a block's text and a check of the whole came without building any block.
    expect(Object.values(coldness(cold)).every(Boolean)).toBe(true)
    expect(cold.textContent).toBe(tree.textContent)
    expect(cold.eq(tree)).toBe(true)
    expect(tree.eq(cold)).toBe(true)
    cold.check()
  })

  it("rejects what nodeFromJSON rejects, with its error", () => {
    const bad: unknown[] = [
      { type: "nope" },
      { type: "doc", content: [{ type: "paragraph", attrs: { id: "p" }, content: [{ type: "text", text: "" }] }] },
      { type: "doc", content: [{ type: "paragraph", attrs: { id: "p" }, content: [{ type: "text" }] }] },
      { type: "doc", content: [{ type: "paragraph", attrs: { id: "p" }, content: [{ type: "text", text: "x", marks: [{ type: "nope" }] }] }] },
      { type: "doc", content: "text" },
      { type: "doc", content: [{ type: "heading", attrs: { id: "h", level: "x" }, content: [{ type: "text", text: "x" }] }] },
      { type: "doc", content: [null] },
      null
    ]
    for (const input of bad) {
      let expected: unknown = null, actual: unknown = null
      try {
        schema.nodeFromJSON(input)
      } catch (error) {
        expected = String(error)
      }
      try {
        coldFromJSON(schema, input as NodeJSON)
      } catch (error) {
        actual = String(error)
      }
      expect(actual, JSON.stringify(input)).toBe(expected)
    }
  })

  it("gives every step the same result as the tree, building only the blocks a step reaches into", () => {
    const tree = schema.nodeFromJSON(json)
    const cold = coldFromJSON(schema, json)
    // Typing into p1 (after the heading's 7 positions) resolves a position inside p1 only.
    const typed = new Transform(cold).insert(10, schema.text("X")).doc
    expect(typed.toJSON()).toEqual(new Transform(tree).insert(10, schema.text("X")).doc.toJSON())
    expect(coldness(typed)).toEqual({ c1: true, p2: true, p4: true, p5: true })
    expect(coldness(cold).p1).toBe(false)
  })

  it("agrees with the tree over random edits, and coolBlocks holds them cold again", () => {
    const next = random(7)
    let tree = schema.nodeFromJSON(json)
    let cold = coldFromJSON(schema, json)
    for (let i = 0; i < 400; i++) {
      const size = tree.content.size
      const a = Math.floor(next() * (size + 1)), b = Math.floor(next() * (size + 1))
      const from = Math.min(a, b), to = Math.max(a, b)
      const roll = next()
      const edit = (doc: Node): Node | string => {
        const tr = new Transform(doc)
        try {
          if (roll < 0.4) tr.insert(from, schema.text("xyz".slice(0, 1 + Math.floor(roll * 7))))
          else if (roll < 0.6) tr.delete(from, Math.min(to, from + 12))
          else if (roll < 0.7) tr.split(from)
          else if (roll < 0.8) tr.addMark(from, to, schema.marks.strong.create())
          else if (roll < 0.85) tr.join(from)
          else if (roll < 0.9) tr.setBlockType(from, to, schema.nodes.heading, { level: 3 })
          else tr.removeMark(from, to, schema.marks.strong)
        } catch (error) {
          return String(error)
        }
        return tr.doc
      }
      const treeResult = edit(tree), coldResult = edit(cold)
      if (typeof treeResult == "string") {
        expect(coldResult).toBe(treeResult)
        continue
      }
      expect(typeof coldResult == "string" ? coldResult : coldResult.toJSON()).toEqual(treeResult.toJSON())
      tree = treeResult
      cold = coldResult as Node
      if (i % 10 == 0) {
        const cooled = coolBlocks(cold)
        expect(cooled.toJSON()).toEqual(tree.toJSON())
        // Every textblock of plain text is cold now, and nothing else is.
        cooled.descendants(node => {
          if (!node.isTextblock) return true
          const held = node instanceof ColdBlock && node.coldText != null
          const plain = node.childCount == 0 || (node.childCount == 1 && node.firstChild!.isText && !node.firstChild!.marks.length)
          const specs = node.type.spec.attrs!
          const defaults = Object.entries(node.attrs).every(([name, value]) => (name == "id" ? typeof value == "string" : value === specs[name].default))
          expect(held).toBe(plain && defaults)
          return false
        })
        cold = cooled
      }
    }
  })

  it("coolBlocks returns the same document when there is nothing to cool, and lets read content go in place", () => {
    const cold = coldFromJSON(schema, json)
    expect(coolBlocks(cold)).toBe(cold)
    expect(cold.child(1).textContent).toBe("plain line")
    expect(cold.child(1).child(0).text).toBe("plain line")
    expect((cold.child(1) as ColdBlock).coldText).toBeNull()
    expect(coolBlocks(cold)).toBe(cold)
    expect((cold.child(1) as ColdBlock).coldText).toBe("plain line")
    // A tree built otherwise is cooled into a copy; its marked and mixed blocks stay as they are.
    const tree = schema.nodeFromJSON(json)
    const cooled = coolBlocks(tree)
    expect(cooled).not.toBe(tree)
    expect(cooled.child(3)).toBe(tree.child(3))
    expect(cooled.child(6)).toBe(tree.child(6))
    expect(cooled.eq(tree)).toBe(true)
  })
})
