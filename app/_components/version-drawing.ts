import { DOMSerializer, Fragment, Schema, type Mark, type Node } from "prosemirror-model"
import { authorKey, type AuthorSpan } from "@/lib/history"
import type { Author } from "@/lib/protocol/messages"
import { safeColor } from "@/lib/protocol/author-color"
import { schema } from "@/lib/schema"

// Authorship is drawn as a mark of its own, outside the document's schema, so that DOMSerializer nests
// it with the document's marks (bold inside someone's span) without a schema that documents could use.
const authorSchema = new Schema({
  nodes: { doc: { content: "text*" }, text: {} },
  marks: { author: { attrs: { name: {}, color: {} } } }
})

const serializer = new DOMSerializer(DOMSerializer.nodesFromSchema(schema), {
  ...DOMSerializer.marksFromSchema(schema),
  author: mark => {
    const color = safeColor(mark.attrs.color)
    return ["span", { class: "version-author", style: `background-color: ${color}24; box-shadow: inset 0 -2px 0 ${color}99`, title: mark.attrs.name }, 0]
  }
})

/** Top-level blocks per group; a group off screen is neither laid out nor painted (content-visibility). */
const groupSize = 50
/** Blocks drawn before the first paint. */
const firstBlocks = 40
/** Time a later part may take, in ms, before the page gets a turn. */
const sliceMs = 8

/** A drawn block: its element and the authorship it was drawn with. */
interface DrawnBlock {
  node: Node
  dom: HTMLElement
  spans: string
}

/** What the drawing shows: the document, its authorship, and per top-level block where it starts and its spans in words. */
interface Target {
  doc: Node
  version: number
  spans: readonly AuthorSpan[] | null
  starts: number[]
  blocks: string[]
}

/**
 * The document at a version drawn read-only as plain DOM (no editor view): who wrote what underlined
 * in their colour, blocks in groups that the browser skips while off screen, the first blocks before
 * the next paint and the rest in slices of a few ms each. Blocks drawn before are reused when the same
 * block (the same node, or an equal one with the same id) with the same authorship comes again, so
 * stepping through versions redraws only what changed. The page element's data-showing names the
 * version partly drawn, data-version the one drawn whole, and data-authorship says whether its
 * authorship is drawn (tests and benchmarks wait for them).
 */
export class VersionDrawing {
  private target: Target | null = null
  private root: HTMLElement | null = null
  private drawn: DrawnBlock[] = []
  private group = 0
  private generation = 0
  private previous = new Map<string, DrawnBlock>()
  private readonly authorMarks = new Map<string, Mark>()
  private frame: number | null = null
  private readonly channel = new MessageChannel()

  constructor(private readonly mount: HTMLElement, private readonly page: HTMLElement) {
    this.channel.port1.onmessage = event => {
      if (event.data == this.generation && this.target) this.drawSlice()
    }
  }

  /** Show `doc`, the document at `version`, with `spans` (null until they are known). */
  show(doc: Node, version: number, spans: readonly AuthorSpan[] | null): void {
    if (this.target?.doc == doc) {
      // The same document at another version (an op that changed nothing), or its authorship now known.
      if (this.target.spans == spans && this.target.version == version) return
      const blocks = this.target.spans == spans ? this.target.blocks : blockSpans(doc, spans)
      this.target = { ...this.target, version, spans, blocks }
      this.page.dataset.showing = String(version)
      // The blocks drawn so far get their new colours; the rest are drawn with them as they come.
      this.recolourDrawn()
      if (this.whole) this.finish()
      return
    }
    this.stop()
    for (const block of this.drawn) {
      const id = block.node.attrs.id
      if (typeof id == "string") this.previous.set(id, block)
    }
    const starts = blockStarts(doc)
    this.target = { doc, version, spans, starts, blocks: blockSpans(doc, spans) }
    this.page.dataset.showing = String(version)
    this.page.dataset.authorship = "loading"
    const root = document.createElement("div")
    root.className = "ProseMirror version-document"
    root.setAttribute("role", "document")
    root.setAttribute("aria-label", "Document at an earlier version")
    root.setAttribute("aria-readonly", "true")
    // As tall as the version drawn before until drawn whole, so that the page keeps its scroll position.
    if (this.root) root.style.minHeight = `${this.root.offsetHeight}px`
    this.root?.remove()
    this.root = root
    this.drawn = []
    this.group = 0
    // Before the next paint: the first blocks, then the groups after them as long as all their blocks
    // were drawn before (a version next to the one shown) and a slice lasts; the rest after the paint.
    while (!this.whole && this.group * groupSize < firstBlocks) this.drawGroup(false)
    const end = performance.now() + sliceMs
    while (!this.whole && performance.now() < end && this.drawGroup(true));
    this.mount.appendChild(root)
    if (this.whole) return this.finish()
    const generation = this.generation
    this.frame = requestAnimationFrame(() => {
      this.frame = null
      this.channel.port2.postMessage(generation)
    })
  }

  /** Stop drawing and let go of what was drawn. */
  destroy(): void {
    this.stop()
    this.channel.port1.close()
    this.root?.remove()
    this.root = null
    this.target = null
    this.previous.clear()
    this.drawn = []
  }

  private get whole(): boolean {
    return this.group * groupSize >= this.target!.doc.childCount
  }

  /** Draw groups for up to sliceMs, then go on once the page had its turn. */
  private drawSlice(): void {
    const end = performance.now() + sliceMs
    while (!this.whole && performance.now() < end) this.drawGroup(false)
    if (this.whole) return this.finish()
    this.channel.port2.postMessage(this.generation)
  }

  /** Draw the next group; with `onlyReused`, only when every block of it was drawn before. Returns whether it drew. */
  private drawGroup(onlyReused: boolean): boolean {
    const { doc, blocks } = this.target!
    const first = this.group * groupSize, last = Math.min(doc.childCount, first + groupSize)
    if (onlyReused) for (let i = first; i < last; i++) if (!this.reusable(doc.child(i), blocks[i])) return false
    const element = document.createElement("div")
    element.className = "version-group"
    for (let i = first; i < last; i++) {
      const block = this.block(i, doc.child(i), blocks[i])
      this.drawn.push(block)
      element.appendChild(block.dom)
    }
    this.root!.appendChild(element)
    this.group++
    return true
  }

  /** The block drawn before for `node` with `spans`, if there is one. */
  private reusable(node: Node, spans: string): DrawnBlock | null {
    const id = node.attrs.id
    const old = typeof id == "string" ? this.previous.get(id) : undefined
    return old && old.spans == spans && (old.node == node || old.node.eq(node)) ? old : null
  }

  /** Block `index`, `node`, drawn with `spans` (its authorship): reused from the version drawn before when it can be. */
  private block(index: number, node: Node, spans: string): DrawnBlock {
    const old = this.reusable(node, spans)
    if (old) {
      this.previous.delete(node.attrs.id)
      return { node, dom: old.dom, spans }
    }
    return { node, dom: this.render(node, this.target!.starts[index]), spans }
  }

  /** The element of `node`, at `pos`, with the target's authorship. */
  private render(node: Node, pos: number): HTMLElement {
    const { dom, contentDOM } = DOMSerializer.renderSpec(document, serializer.nodes[node.type.name](node))
    if (contentDOM) {
      if (node.isTextblock) {
        serializer.serializeFragment(this.withAuthors(node, pos + 1), {}, contentDOM)
        // As an editor draws them: an empty textblock keeps a line's height, a final line break shows.
        if (!node.childCount || node.lastChild!.type.name == "hard_break") contentDOM.appendChild(document.createElement("br"))
      } else node.forEach((child, offset) => contentDOM.appendChild(this.render(child, pos + 1 + offset)))
    }
    return dom as HTMLElement
  }

  /** The inline content of textblock `node`, whose content starts at `start`, with author marks where spans cover it. */
  private withAuthors(node: Node, start: number): Fragment {
    const spans = this.target!.spans
    if (!spans) return node.content
    let i = firstEndingAfter(spans, start)
    if (i == spans.length || spans[i].from >= start + node.content.size) return node.content
    const pieces: Node[] = []
    node.forEach((child, offset) => {
      const from = start + offset, to = from + child.nodeSize
      if (!child.isText) return void pieces.push(child)
      for (let at = from; at < to;) {
        while (i < spans.length && spans[i].to <= at) i++
        const span = i < spans.length ? spans[i] : null
        const covers = !!span && span.from <= at
        const stop = Math.min(to, !span ? to : covers ? span.to : span.from)
        const piece = child.cut(at - from, stop - from)
        pieces.push(covers ? piece.mark([this.authorMark(span!.author), ...piece.marks]) : piece)
        at = stop
      }
    })
    return Fragment.fromArray(pieces)
  }

  private authorMark(author: Author): Mark {
    const key = authorKey(author)
    let mark = this.authorMarks.get(key)
    if (!mark) this.authorMarks.set(key, (mark = authorSchema.marks.author.create({ name: author.name, color: author.color })))
    return mark
  }

  /** Redraw the blocks drawn so far whose authorship changed. */
  private recolourDrawn(): void {
    const { blocks, starts } = this.target!
    this.drawn.forEach((block, i) => {
      if (block.spans == blocks[i]) return
      const dom = this.render(block.node, starts[i])
      block.dom.replaceWith(dom)
      this.drawn[i] = { node: block.node, dom, spans: blocks[i] }
    })
  }

  private finish(): void {
    const { version, spans } = this.target!
    this.previous.clear()
    this.root!.style.minHeight = ""
    this.page.dataset.version = String(version)
    this.page.dataset.authorship = spans ? "ready" : "loading"
  }

  private stop(): void {
    if (this.frame != null) cancelAnimationFrame(this.frame)
    this.frame = null
    this.generation++
  }
}

/** Where each top-level block of `doc` starts. */
function blockStarts(doc: Node): number[] {
  const starts: number[] = []
  doc.forEach((_, offset) => starts.push(offset))
  return starts
}

/** Per top-level block, the spans over it relative to its start, in words ("" when none): equal strings draw alike. */
function blockSpans(doc: Node, spans: readonly AuthorSpan[] | null): string[] {
  const result: string[] = new Array(doc.childCount).fill("")
  if (!spans?.length) return result
  let i = 0
  doc.forEach((block, offset, index) => {
    const end = offset + block.nodeSize
    while (i < spans.length && spans[i].to <= offset) i++
    let words = ""
    for (let j = i; j < spans.length && spans[j].from < end; j++)
      words += `${Math.max(spans[j].from, offset) - offset}-${Math.min(spans[j].to, end) - offset} ${authorKey(spans[j].author)};`
    result[index] = words
  })
  return result
}

/** The index of the first of `spans` (in order, apart) that ends after `pos`. */
function firstEndingAfter(spans: readonly AuthorSpan[], pos: number): number {
  let low = 0, high = spans.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (spans[mid].to <= pos) low = mid + 1
    else high = mid
  }
  return low
}
