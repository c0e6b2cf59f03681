import { memo, useLayoutEffect, useRef } from "react"
import { authorKey, type AuthorSpan, type HistoryModel } from "@/lib/history"
import type { Author } from "@/lib/protocol/messages"
import { useHistorySnapshot } from "./history-state"
import { safeColor } from "@/lib/protocol/author-color"
import { VersionDrawing } from "./version-drawing"
import { highlightName } from "./author-highlights"

function legendOf(spans: readonly AuthorSpan[]): Author[] {
  const seen = new Map<string, Author>()
  for (const span of spans) seen.set(authorKey(span.author), span.author)
  return [...seen.values()]
}

/**
 * The document at the version the scrubber shows, read-only, with what each person wrote since the
 * authorship base underlined in their colour (each legend item names its author's CSS highlight). Shown in place of the editor while travelling.
 */
export const HistoryPreview = memo(function HistoryPreview({ model }: { model: HistoryModel }) {
  const { travel } = useHistorySnapshot(model)
  const page = useRef<HTMLDivElement>(null)
  const mount = useRef<HTMLDivElement>(null)
  const view = useRef<VersionDrawing | null>(null)

  // A layout effect too, so that the view exists when the one below first runs.
  useLayoutEffect(() => {
    const created = new VersionDrawing(mount.current!, page.current!)
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
  }, [])

  const { doc, spans, version } = travel
  // Before paint, so that the first blocks of a version paint with the scrubber's move.
  useLayoutEffect(() => {
    if (view.current && doc && version != null) view.current.show(doc, version, spans)
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
              <span key={authorKey(author)} className="version-legend-item" data-highlight={highlightName(author)}>
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
