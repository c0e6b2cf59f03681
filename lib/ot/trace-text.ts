import { Fragment, Slice, type Node } from "prosemirror-model"
import { ReplaceStep, type Step } from "prosemirror-transform"
import { schema } from "../schema/schema"

// A plain-text editing trace (positions in Unicode code points) seen as a ProseMirror document:
// every line of the text is one paragraph. ProseMirror counts UTF-16 units, so a character
// outside the Basic Multilingual Plane is one position in the trace and two in the document.

/** Length of `text` in Unicode code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let pairs = 0
  for (let i = 0; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      pairs++
      i++
    }
  }
  return text.length - pairs
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code < 0xdc00
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code < 0xe000
}

// The UTF-16 offset of code point `offset` in `line`, whose length in code points is `length`.
function utf16Offset(line: string, offset: number, length: number): number {
  if (length == line.length) return offset
  let unit = 0
  for (let k = 0; k < offset; k++)
    unit += isHighSurrogate(line.charCodeAt(unit)) && isLowSurrogate(line.charCodeAt(unit + 1)) ? 2 : 1
  return unit
}

function paragraph(text: string, id: string | null): Node {
  return schema.nodes.paragraph.create({ id }, text ? schema.text(text) : null)
}

/**
 * The document with one paragraph per line of `text` (split on "\n"); an empty line is an empty
 * paragraph, so the document always has at least one. With `ids`, paragraphs get the ids "p1", "p2"...
 */
export function textToDoc(text: string, ids = false): Node {
  return schema.nodes.doc.create(null, text.split("\n").map((line, i) => paragraph(line, ids ? `p${i + 1}` : null)))
}

/** The text of a document of paragraphs: their texts joined with "\n". The inverse of `textToDoc`. */
export function docToText(doc: Node): string {
  const lines: string[] = []
  doc.forEach(block => lines.push(block.textContent))
  return lines.join("\n")
}

// Lines per chunk after a split, and the size at which a chunk is split.
const chunkTarget = 64
const chunkMax = 2 * chunkTarget

// A run of consecutive lines. `cpSize` counts each line's code points plus one for its line
// break; `pmSize` counts each paragraph's UTF-16 units plus two for its opening and closing token.
interface LineChunk {
  lines: string[]
  lengths: number[]
  cpSize: number
  pmSize: number
}

// Where a line is: its chunk, its index in the chunk, the code point where it starts in the
// text and the document position just before its paragraph.
interface LineSpot {
  chunk: number
  index: number
  cpStart: number
  pmStart: number
}

function makeChunk(lines: string[], lengths: number[]): LineChunk {
  let cpSize = 0, pmSize = 0
  for (let i = 0; i < lines.length; i++) {
    cpSize += lengths[i] + 1
    pmSize += lines[i].length + 2
  }
  return { lines, lengths, cpSize, pmSize }
}

// The lines of the text in chunks, so that finding the line of a code point and the document
// position of a line cost O(chunks + chunk size), and replacing lines touches one or two chunks.
class LineIndex {
  private chunks: LineChunk[] = []

  constructor(lines: string[]) {
    for (let i = 0; i < lines.length; i += chunkTarget) {
      const part = lines.slice(i, i + chunkTarget)
      this.chunks.push(makeChunk(part, part.map(codePointLength)))
    }
  }

  // The line holding code point `pos`: the first whose end (before its line break) is at or after it.
  locate(pos: number): LineSpot {
    let cpStart = 0, pmStart = 0, chunk = 0
    while (chunk < this.chunks.length - 1 && cpStart + this.chunks[chunk].cpSize <= pos) {
      cpStart += this.chunks[chunk].cpSize
      pmStart += this.chunks[chunk].pmSize
      chunk++
    }
    const { lines, lengths } = this.chunks[chunk]
    let index = 0
    while (index < lines.length - 1 && cpStart + lengths[index] < pos) {
      cpStart += lengths[index] + 1
      pmStart += lines[index].length + 2
      index++
    }
    return { chunk, index, cpStart, pmStart }
  }

  line(spot: LineSpot): string {
    return this.chunks[spot.chunk].lines[spot.index]
  }

  length(spot: LineSpot): number {
    return this.chunks[spot.chunk].lengths[spot.index]
  }

  // Replace the lines from `from` to `to`, both included, with `lines`, whose lengths in code points are `lengths`.
  replace(from: LineSpot, to: LineSpot, lines: string[], lengths: number[]): void {
    const first = this.chunks[from.chunk], last = this.chunks[to.chunk]
    if (first == last && from.index == to.index && lines.length == 1) {
      first.cpSize += lengths[0] - first.lengths[from.index]
      first.pmSize += lines[0].length - first.lines[from.index].length
      first.lines[from.index] = lines[0]
      first.lengths[from.index] = lengths[0]
      return
    }
    first.lines = first.lines.slice(0, from.index).concat(lines, last.lines.slice(to.index + 1))
    first.lengths = first.lengths.slice(0, from.index).concat(lengths, last.lengths.slice(to.index + 1))
    this.chunks.splice(from.chunk + 1, to.chunk - from.chunk)
    this.rebalance(from.chunk)
  }

  // Recount chunk `at` after a change, splitting it when too large and merging it with its
  // successor when both are small.
  private rebalance(at: number): void {
    const chunk = this.chunks[at], next = this.chunks[at + 1]
    if (next && chunk.lines.length + next.lines.length <= chunkTarget) {
      this.chunks.splice(at, 2, makeChunk(chunk.lines.concat(next.lines), chunk.lengths.concat(next.lengths)))
    } else if (chunk.lines.length > chunkMax) {
      const parts: LineChunk[] = []
      for (let i = 0; i < chunk.lines.length; i += chunkTarget)
        parts.push(makeChunk(chunk.lines.slice(i, i + chunkTarget), chunk.lengths.slice(i, i + chunkTarget)))
      this.chunks.splice(at, 1, ...parts)
    } else {
      this.chunks[at] = makeChunk(chunk.lines, chunk.lengths)
    }
  }
}

/** Options for a `TextPatcher`. */
export interface TextPatcherOptions {
  /**
   * Give the paragraphs that a patch creates fresh ids "pN", numbered after the highest such id
   * in the document. Defaults to true when the document's first paragraph has an id.
   */
  ids?: boolean
  /**
   * How a paragraph a patch creates is named, when paragraphs get ids: "pN" by default. Clients that
   * write concurrently give their own (newBlockId, as an editor does), so that their ids never collide.
   */
  newId?: () => string
}

/**
 * Turns the patches of a plain-text editing trace into ProseMirror steps, for a document of the
 * shape `textToDoc` builds. It keeps its own index of the lines, so converting a patch never scans
 * the whole document; the caller must apply exactly the steps it returns, in order.
 */
export class TextPatcher {
  private index: LineIndex
  private size: number
  private ids: boolean
  private lastId = 0
  private readonly newId: () => string

  /** Index `doc`, which must hold only paragraphs of plain text. Throws a RangeError otherwise. */
  constructor(doc: Node, options: TextPatcherOptions = {}) {
    const lines: string[] = []
    doc.forEach(block => {
      if (block.type != schema.nodes.paragraph || !block.content.content.every(node => node.isText))
        throw new RangeError(`TextPatcher needs a document of text paragraphs, found ${block.type.name}`)
      lines.push(block.textContent)
      const id = /^p(\d+)$/.exec(String(block.attrs.id))
      if (id) this.lastId = Math.max(this.lastId, Number(id[1]))
    })
    this.index = new LineIndex(lines)
    this.size = lines.reduce((sum, line) => sum + codePointLength(line), lines.length - 1)
    this.ids = options.ids ?? doc.firstChild?.attrs.id != null
    this.newId = options.newId ?? (() => `p${++this.lastId}`)
  }

  /** The length of the current text in code points, line breaks included. */
  get length(): number {
    return this.size
  }

  /**
   * The steps that perform one patch (at code point `pos`, delete `numDeleted` code points, then
   * insert `insert`): one ReplaceStep, or none for an empty patch. A deletion across line breaks
   * joins paragraphs; an inserted "\n" splits one. Throws a RangeError when the patch is out of range.
   */
  patchToSteps(pos: number, numDeleted: number, insert: string): Step[] {
    if (!(pos >= 0 && numDeleted >= 0 && pos + numDeleted <= this.size))
      throw new RangeError(`Patch ${pos}+${numDeleted} is outside the text of length ${this.size}`)
    if (numDeleted == 0 && insert == "") return []
    const from = this.index.locate(pos)
    const to = numDeleted ? this.index.locate(pos + numDeleted) : from
    const fromLine = this.index.line(from), toLine = this.index.line(to)
    const fromOffset = utf16Offset(fromLine, pos - from.cpStart, this.index.length(from))
    const toOffset = utf16Offset(toLine, pos + numDeleted - to.cpStart, this.index.length(to))
    const parts = insert.split("\n")
    let slice: Slice
    if (parts.length == 1) {
      slice = insert ? new Slice(Fragment.from(schema.text(insert)), 0, 0) : Slice.empty
    } else {
      const paragraphs = parts.map((part, i) => paragraph(part, i > 0 && this.ids ? this.newId() : null))
      slice = new Slice(Fragment.from(paragraphs), 1, 1)
    }
    const step = new ReplaceStep(from.pmStart + 1 + fromOffset, to.pmStart + 1 + toOffset, slice)
    const lengths = parts.map(codePointLength)
    const inserted = lengths.reduce((sum, length) => sum + length, parts.length - 1)
    parts[0] = fromLine.slice(0, fromOffset) + parts[0]
    lengths[0] += pos - from.cpStart
    parts[parts.length - 1] += toLine.slice(toOffset)
    lengths[parts.length - 1] += this.index.length(to) - (pos + numDeleted - to.cpStart)
    this.index.replace(from, to, parts, lengths)
    this.size += inserted - numDeleted
    return [step]
  }
}
