import { memo, useLayoutEffect, useRef } from "react"
import { EditorState } from "prosemirror-state"
import { Decoration, DecorationSet, EditorView } from "prosemirror-view"
import type { Node } from "prosemirror-model"
import { authorKey, type AuthorSpan, type HistoryModel } from "@/lib/history"
import type { Author } from "@/lib/protocol/messages"
import { schema } from "@/lib/schema"
import { useHistorySnapshot } from "./history-state"

function safeColor(color: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color : "#868e96"
}

function authorshipDecorations(doc: Node, spans: readonly AuthorSpan[]): DecorationSet {
  return DecorationSet.create(doc, spans.map(span => {
    const color = safeColor(span.author.color)
    return Decoration.inline(span.from, span.to, {
      class: "version-author",
      style: `background-color: ${color}24; box-shadow: inset 0 -2px 0 ${color}99`,
      title: span.author.name
    })
  }))
}

function legendOf(spans: readonly AuthorSpan[]): Author[] {
  const seen = new Map<string, Author>()
  for (const span of spans) seen.set(authorKey(span.author), span.author)
  return [...seen.values()]
}

/** How many top-level blocks of `b` are the very same nodes as blocks of `a`. */
function sharedBlocks(a: Node, b: Node): number {
  const blocks = new Set<Node>()
  a.forEach(block => blocks.add(block))
  let shared = 0
  b.forEach(block => (shared += blocks.has(block) ? 1 : 0))
  return shared
}

/** Blocks drawn in the first update, and added by each later one. */
const firstBlocks = 40
const moreBlocks = 300

/**
 * Draws a long document into a read-only view a part at a time: the first blocks at once, so that the
 * first screen paints without waiting for the rest, then more in later tasks, each small enough not to
 * block the page (the parts share their nodes, so each update only adds blocks). The page element's
 * data-showing names the version partly drawn, data-version the one drawn whole, and data-authorship
 * says whether its authorship is drawn (tests and benchmarks wait for them).
 */
class ProgressiveView {
  private target: { doc: Node; version: number; decorations: DecorationSet | null } | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private frame: number | null = null
  private view: EditorView | null = null

  constructor(private readonly mount: HTMLElement, private readonly page: HTMLElement) {}

  /** Show `doc`, the document at `version`, with `decorations` once it is drawn whole. */
  show(doc: Node, version: number, decorations: DecorationSet | null): void {
    if (this.target?.doc == doc) {
      this.target.decorations = decorations
      if (this.view?.state.doc == doc) this.finish()
      return
    }
    this.stop()
    const previous = this.view?.state.doc
    this.target = { doc, version, decorations }
    this.page.dataset.showing = String(version)
    this.page.dataset.authorship = "loading"
    // A version replayed from one drawn before shares most of its blocks with it: an update redraws
    // only the others. One that shares little (fetched whole) gets a new view: dropping the old DOM at
    // once is much cheaper than updating thousands of blocks.
    if (this.view && previous && sharedBlocks(previous, doc) * 2 >= doc.childCount) return this.finish()
    const old = this.view
    if (old) {
      // Off the page now; its view descriptions are released after the new version is drawn.
      old.dom.remove()
      setTimeout(() => old.destroy())
    }
    this.view = new EditorView(this.mount, {
      state: EditorState.create({ schema }),
      editable: () => false,
      decorations: state => (state.doc == this.target?.doc ? this.target.decorations : null),
      attributes: { "aria-label": "Document at an earlier version", "aria-readonly": "true" }
    })
    this.draw(firstBlocks)
  }

  /** Stop drawing and release the view. */
  destroy(): void {
    this.stop()
    this.view?.destroy()
    this.view = null
  }

  private draw(blocks: number): void {
    const { doc } = this.target!
    const count = Math.min(blocks, doc.childCount)
    if (count == doc.childCount) return this.finish()
    let end = 0
    for (let i = 0; i < count; i++) end += doc.child(i).nodeSize
    this.view!.updateState(EditorState.create({ doc: doc.copy(doc.content.cut(0, end)) }))
    // The first part is painted before the rest is drawn; later parts follow each in a task of its own.
    const next = () => (this.timer = setTimeout(() => this.draw(count + moreBlocks)))
    if (count == firstBlocks) this.frame = requestAnimationFrame(next)
    else next()
  }

  private finish(): void {
    const { doc, version, decorations } = this.target!
    this.view!.updateState(EditorState.create({ doc }))
    this.page.dataset.version = String(version)
    this.page.dataset.authorship = decorations ? "ready" : "loading"
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.frame) cancelAnimationFrame(this.frame)
    this.timer = this.frame = null
  }
}

/**
 * The document at the version the scrubber shows, read-only, with what each person wrote since the
 * authorship base underlined in their colour. Shown in place of the editor while travelling.
 */
export const HistoryPreview = memo(function HistoryPreview({ model }: { model: HistoryModel }) {
  const { travel } = useHistorySnapshot(model)
  const page = useRef<HTMLDivElement>(null)
  const mount = useRef<HTMLDivElement>(null)
  const view = useRef<ProgressiveView | null>(null)

  // A layout effect too, so that the view exists when the one below first runs.
  useLayoutEffect(() => {
    const created = new ProgressiveView(mount.current!, page.current!)
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
  }, [])

  const { doc, spans, version } = travel
  // Before paint, so that the first blocks of a version paint with the scrubber's move.
  useLayoutEffect(() => {
    if (view.current && doc && version != null) view.current.show(doc, version, spans ? authorshipDecorations(doc, spans) : null)
  }, [doc, spans, version])

  const legend = spans ? legendOf(spans) : []
  return (
    <div ref={page} className="page version-page" data-testid="version-preview">
      <div className="version-banner">
        <span className="version-banner-title">
          {travel.version == null ? "" : `Version ${travel.version}`}
          <span className="version-banner-note"> · read-only{travel.loading ? " · loading…" : ""}</span>
        </span>
        {travel.authorshipFrom != null && (
          <span className="version-legend">
            {legend.length ? `Written since v${travel.authorshipFrom}:` : `No changes since v${travel.authorshipFrom}`}
            {legend.map(author => (
              <span key={authorKey(author)} className="version-legend-item">
                <span className="history-dot" style={{ backgroundColor: safeColor(author.color) }} aria-hidden="true" />{author.name}
              </span>
            ))}
          </span>
        )}
      </div>
      <div ref={mount} className="editor-mount version-mount" />
    </div>
  )
})
