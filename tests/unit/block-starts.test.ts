import { describe, expect, it } from "vitest"
import type { Node } from "prosemirror-model"
import { BlockStarts } from "../../lib/ot/block-starts"
import { Prng } from "../fuzz/prng"
import { b } from "../support/builders"

const { doc, p } = b

function truth(d: Node): number[] {
  const starts: number[] = []
  d.forEach((_, offset) => starts.push(offset))
  return starts
}

describe("BlockStarts", () => {
  it("follows resizes of one block after another, lazily or not, as a fresh index of each document", () => {
    const rng = new Prng(7)
    let current: Node = doc(...Array.from({ length: 30 }, (_, i) => p(`paragraph ${i}`)))
    const blocks = new BlockStarts()
    blocks.index(current)
    for (let step = 0; step < 500; step++) {
      // Mostly runs in one block, as typing does, sometimes jumping to another.
      const index = step % 7 == 0 ? rng.int(current.childCount) : Math.min(current.childCount - 1, Math.floor(step / 7) % current.childCount)
      const block = current.child(index)
      const text = rng.chance(0.5) || block.textContent.length < 2 ? block.textContent + "x" : block.textContent.slice(1)
      const next = current.copy(current.content.replaceChild(index, p(text)))
      blocks.resized(next, index, next.child(index).nodeSize - block.nodeSize)
      current = next
      expect(blocks.describes(current)).toBe(true)
      const expected = truth(current)
      expect(expected.map((_, i) => blocks.start(i))).toEqual(expected)
      const pos = rng.int(current.content.size)
      expect(expected[blocks.blockAt(pos)]).toBe(Math.max(...expected.filter(start => start <= pos)))
    }
  })

  it("follows a block replaced by several (a split), between resizes, and grows past its first size", () => {
    const rng = new Prng(11)
    let current: Node = doc(p("a"), p("b"))
    const blocks = new BlockStarts()
    blocks.index(current)
    for (let step = 0; step < 300; step++) {
      const index = rng.int(current.childCount)
      const block = current.child(index)
      const made = rng.chance(0.4) ? [p(block.textContent + "yy")] : [p(block.textContent.slice(0, 1)), p("split"), ...(rng.chance(0.3) ? [p("")] : [])]
      const children = current.content.content
      const next = current.copy(current.content.replaceChild(index, made[0]))
      const spliced = made.length == 1 ? next : current.copy(b.doc(...children.slice(0, index), ...made, ...children.slice(index + 1)).content)
      if (made.length == 1) blocks.resized(spliced, index, made[0].nodeSize - block.nodeSize)
      else blocks.replaced(spliced, index, made.map(node => node.nodeSize))
      current = spliced
      const expected = truth(current)
      expect(expected.map((_, i) => blocks.start(i))).toEqual(expected)
    }
    expect(current.childCount).toBeGreaterThan(100)
  })

  it("describes nothing once it forgets, and a document once indexed", () => {
    const blocks = new BlockStarts()
    const d = doc(p("one"), p("two"))
    expect(blocks.describes(d)).toBe(false)
    blocks.index(d)
    expect(blocks.describes(d)).toBe(true)
    expect([blocks.start(0), blocks.start(1), blocks.blockAt(6)]).toEqual([0, 5, 1])
    blocks.forget()
    expect(blocks.describes(d)).toBe(false)
  })
})
