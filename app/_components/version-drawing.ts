import { DOMSerializer, type Node } from "prosemirror-model"
import { firstEndingAfter, type AuthorSpan } from "@/lib/history"
import { schema } from "@/lib/schema"
import { AuthorHighlights } from "./author-highlights"
import { placedTexts } from "./placed-texts"

const serializer = DOMSerializer.fromSchema(schema)

/** Top-level blocks per group; a group off screen is neither laid out nor painted (content-visibility). */
const groupSize = 50
/** Blocks drawn before the first paint. */
const firstBlocks = 40
/** Time a later part may take, in ms, before the page gets a turn. */
const sliceMs = 8

/** A drawn block: the node and its element. */
interface DrawnBlock {
  node: Node
  dom: HTMLElement
}

/** What the drawing shows: the document, its authorship, and where each top-level block starts. */
interface Target {
  doc: Node
  version: number
  spans: readonly AuthorSpan[] | null
  starts: number[]
}

/**
 * The document at a version drawn read-only as plain DOM (no editor view): blocks in groups that the
 * browser skips while off screen, the first blocks before the next paint and the rest in slices of a
 * few ms each, and who wrote what in their colour as CSS highlights over the text (AuthorHighlights),
 * so that colouring changes no element. Blocks drawn before are reused when the same block (the same
 * node, or an equal one with the same id) comes again, so stepping through versions redraws only what
 * changed. Hovering text written since the authorship base shows its author's name. The page element's
 * data-showing names the version partly drawn, data-version the one drawn whole, and data-authorship
 * says whether its authorship is drawn (tests and benchmarks wait for them).
 */
export class VersionDrawing {
  private target: Target | null = null
  private root: HTMLElement | null = null
  private drawn: DrawnBlock[] = []
  /** The index in `drawn` of each drawn block's element. */
  private indexOf = new WeakMap<HTMLElement, number>()
  private group = 0
  private generation = 0
  private previous = new Map<string, DrawnBlock>()
  private readonly highlights = new AuthorHighlights()
  private frame: number | null = null
  private readonly channel = new MessageChannel()
  /** Where the pointer is, to name who wrote what is under it once a frame. */
  private pointer: { x: number; y: number } | null = null
  private hoverFrame: number | null = null
  private readonly hover = (event: MouseEvent) => {
    this.pointer = { x: event.clientX, y: event.clientY }
    this.hoverFrame ??= requestAnimationFrame(() => {
      this.hoverFrame = null
      if (this.pointer) this.showAuthorAt(this.pointer.x, this.pointer.y)
    })
  }
  private readonly leave = () => {
    this.pointer = null
    this.setTitle("")
  }

  constructor(private readonly mount: HTMLElement, private readonly page: HTMLElement) {
    this.channel.port1.onmessage = event => {
      if (event.data == this.generation && this.target) this.drawSlice()
    }
    mount.addEventListener("mousemove", this.hover)
    mount.addEventListener("mouseleave", this.leave)
  }

  /** Show `doc`, the document at `version`, with `spans` (null until they are known). */
  show(doc: Node, version: number, spans: readonly AuthorSpan[] | null): void {
    if (this.target?.doc == doc) {
      // The same document at another version (an op that changed nothing), or its authorship now known.
      if (this.target.spans == spans && this.target.version == version) return
      const recolour = this.target.spans != spans
      this.target = { ...this.target, version, spans }
      this.page.dataset.showing = String(version)
      // The blocks drawn so far get their colours; the rest get them as they are drawn.
      if (recolour) {
        this.colourDrawn()
        this.setTitle("")
      }
      if (this.whole) this.finish()
      return
    }
    this.stop()
    for (const block of this.drawn) {
      const id = block.node.attrs.id
      if (typeof id == "string") this.previous.set(id, block)
    }
    this.target = { doc, version, spans, starts: blockStarts(doc) }
    this.highlights.clear()
    this.setTitle("")
    this.page.dataset.showing = String(version)
    this.page.dataset.authorship = "loading"
    const root = document.createElement("div")
    root.className = "ProseMirror version-document"
    root.setAttribute("role", "document")
    root.setAttribute("aria-label", "Document at an earlier version")
    // As tall as the version drawn before until drawn whole, so that the page keeps its scroll position.
    if (this.root) root.style.minHeight = `${this.root.offsetHeight}px`
    this.root?.remove()
    this.root = root
    this.drawn = []
    this.indexOf = new WeakMap()
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
    this.mount.removeEventListener("mousemove", this.hover)
    this.mount.removeEventListener("mouseleave", this.leave)
    if (this.hoverFrame != null) cancelAnimationFrame(this.hoverFrame)
    this.highlights.destroy()
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
    const { doc, starts, spans } = this.target!
    const first = this.group * groupSize, last = Math.min(doc.childCount, first + groupSize)
    if (onlyReused) for (let i = first; i < last; i++) if (!this.reusable(doc.child(i))) return false
    const element = document.createElement("div")
    element.className = "version-group"
    for (let i = first; i < last; i++) {
      const block = this.block(doc.child(i))
      this.indexOf.set(block.dom, this.drawn.length)
      this.drawn.push(block)
      element.appendChild(block.dom)
      if (spans) this.highlights.addBlock(block.node, starts[i], block.dom, spans)
    }
    this.root!.appendChild(element)
    this.group++
    return true
  }

  /** The block drawn before for `node`, if there is one. */
  private reusable(node: Node): DrawnBlock | null {
    const id = node.attrs.id
    const old = typeof id == "string" ? this.previous.get(id) : undefined
    return old && (old.node == node || old.node.eq(node)) ? old : null
  }

  /** The drawn block of `node`: reused from the version drawn before when it can be. */
  private block(node: Node): DrawnBlock {
    const old = this.reusable(node)
    if (old) {
      this.previous.delete(node.attrs.id)
      return { node, dom: old.dom }
    }
    return { node, dom: render(node) }
  }

  /** Colour the blocks drawn so far with the target's authorship. */
  private colourDrawn(): void {
    const { spans, starts } = this.target!
    this.highlights.clear()
    if (spans) this.drawn.forEach((block, i) => this.highlights.addBlock(block.node, starts[i], block.dom, spans))
  }

  /** Name, as the drawing's tooltip, who wrote the character under the point (x, y), if anyone since the base. */
  private showAuthorAt(x: number, y: number): void {
    const spans = this.target?.spans
    const caret = spans?.length ? document.caretPositionFromPoint?.(x, y) : null
    const text = caret?.offsetNode
    let name = ""
    if (text instanceof Text) {
      let block: HTMLElement | null = text.parentElement
      while (block && block.parentElement && !block.parentElement.classList.contains("version-group")) block = block.parentElement
      const index = block ? this.indexOf.get(block) : undefined
      const placed = index == null ? undefined
        : placedTexts(this.drawn[index].node, this.target!.starts[index], this.drawn[index].dom).find(placed => placed.node == text)
      // The caret falls between two characters: the one under the point is the one whose box holds x.
      const offset = [caret!.offset - 1, caret!.offset].find(at => at >= 0 && at < text.length && holds(text, at, x))
      if (placed && offset != null) {
        const pos = placed.pos + offset
        const span = spans![firstEndingAfter(spans!, pos)]
        if (span && span.from <= pos) name = `Written by ${span.author.name}`
      }
    }
    this.setTitle(name)
  }

  private setTitle(title: string): void {
    if (this.mount.title != title) this.mount.title = title
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

/** The element of `node`, drawn as an editor draws it: an empty textblock keeps a line's height, a final line break shows. */
function render(node: Node): HTMLElement {
  const { dom, contentDOM } = DOMSerializer.renderSpec(document, serializer.nodes[node.type.name](node))
  if (contentDOM) {
    if (node.isTextblock) {
      serializer.serializeFragment(node.content, {}, contentDOM)
      if (!node.childCount || node.lastChild!.type.name == "hard_break") contentDOM.appendChild(document.createElement("br"))
    } else node.forEach(child => contentDOM.appendChild(render(child)))
  }
  return dom as HTMLElement
}

/** Where each top-level block of `doc` starts. */
function blockStarts(doc: Node): number[] {
  const starts: number[] = []
  doc.forEach((_, offset) => starts.push(offset))
  return starts
}

/** Whether the box of character `at` of `text` spans the horizontal coordinate `x`. */
function holds(text: Text, at: number, x: number): boolean {
  const range = document.createRange()
  range.setStart(text, at)
  range.setEnd(text, at + 1)
  const box = range.getBoundingClientRect()
  return box.left <= x && x <= box.right
}
