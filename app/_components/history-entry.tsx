import { memo, useState } from "react"
import type { CommittedOp } from "@/lib/protocol/messages"
import { safeColor } from "@/lib/protocol/author-color"
import { restoreDetails, shownDrops, summarizeOp, versionTime, type DroppedView, type HistoryModel, type LostWriteView, type TimelineEntry } from "@/lib/history"

function versions(entry: TimelineEntry): string {
  return entry.first == entry.last ? `v${entry.first}` : `v${entry.first}–v${entry.last}`
}

function DroppedChanges({ op, model, readOnly }: { op: CommittedOp; model: HistoryModel; readOnly: boolean }) {
  const views = model.droppedOf(op)
  if (!views) return <p className="history-dropped-loading">Looking up what could not be applied…</p>
  return (
    <>
      {views.map((view: DroppedView) => (
        <div key={view.key} className="history-dropped" data-testid="dropped-step">
          <span className="history-dropped-text">{view.text}</span>
          {view.restorable && !readOnly && (
            <button type="button" className="button button-quiet history-restore" data-testid="restore-dropped"
              disabled={view.restored} onClick={() => model.restoreDropped(view)}>
              {view.restored ? "Restored" : "Restore"}
            </button>
          )}
        </div>
      ))}
    </>
  )
}

function OpDetails({ op, model, readOnly }: { op: CommittedOp; model: HistoryModel; readOnly: boolean }) {
  const merge = model.explain(op)
  // Last-writer-wins documents: a write a later clock beat is lost text too, and is listed.
  const lost = model.lostOf(op)
  return (
    <>
      {op.restored && (
        <details className="history-merge-details">
          <summary>Versions</summary>
          <p data-testid="restore-details">{restoreDetails(op.restored, op.version)}</p>
        </details>
      )}
      {merge && (
        <div className="history-merge">
          <p data-testid="merge-plain">{merge.plain}</p>
          <details className="history-merge-details">
            <summary>Versions and positions</summary>
            <p data-testid="merge-explanation">{merge.text}</p>
          </details>
        </div>
      )}
      {shownDrops(op).length ? <DroppedChanges op={op} model={model} readOnly={readOnly} /> : null}
      {lost.map((view: LostWriteView) => (
        <div key={view.key} className="history-dropped" data-testid="lost-write">
          <span className="history-dropped-text">
            {view.text}
            {view.lostAgainTo != null && (
              <span className="history-lost-again" data-testid="lost-again">Restored, and lost again to {view.lostAgainTo}&apos;s later clock</span>
            )}
          </span>
          {view.blocks && !readOnly && (
            <button type="button" className="button button-quiet history-restore" data-testid="restore-lost-write"
              title="Write this text again, as a new change with your clock"
              disabled={view.restored} onClick={() => model.restoreLost(view)}>
              {view.restored ? "Restored" : "Restore"}
            </button>
          )}
        </div>
      ))}
    </>
  )
}

/**
 * One timeline entry: who, when, which versions, what it did; for a merged op how it was merged, for
 * dropped steps what was lost with a Restore action, and for collapsed keystrokes the ops inside.
 * Clicking it calls `onSelect` (the panel highlights the entry in the editor); `readOnly` leaves out Restore.
 */
function Entry({ entry, model, selected, readOnly, onSelect }: {
  entry: TimelineEntry
  model: HistoryModel
  selected: boolean
  /** Changes whenever the entry's dropped details may have, so that it re-renders. */
  revision: number
  readOnly: boolean
  onSelect: (entry: TimelineEntry) => void
}) {
  const [expanded, setExpanded] = useState(false)
  const color = safeColor(entry.author.color)
  const group = entry.ops.length > 1
  const classes = ["history-entry", entry.merged && "is-merged", selected && "is-selected"].filter(Boolean).join(" ")
  return (
    <li className={classes} data-testid="history-entry" data-merged={entry.merged ? "true" : undefined} data-version={entry.last}
      style={{ borderLeftColor: color }}>
      <button type="button" className="history-entry-main" aria-pressed={selected} onClick={() => onSelect(entry)}
        title="Show where this change is in the document">
        <span className="history-entry-meta">
          <span className="history-dot" style={{ backgroundColor: color }} aria-hidden="true" />
          <span className="history-author">{entry.author.name}</span>
          <span className="history-version">{versions(entry)}</span>
          <time className="history-time" dateTime={new Date(entry.time).toISOString()}>{versionTime(entry.time)}</time>
          {entry.merged && <span className="history-badge">merged</span>}
        </span>
        <span className="history-summary">{entry.summary}</span>
      </button>
      {!group && <OpDetails op={entry.ops[0]} model={model} readOnly={readOnly} />}
      {group && (
        <>
          <button type="button" className="history-expand" aria-expanded={expanded} onClick={() => setExpanded(e => !e)}>
            {expanded ? "Hide" : "Show"} {entry.ops.length} edits
          </button>
          {expanded && (
            <ol className="history-ops">
              {entry.ops.map(op => (
                <li key={op.version} className="history-op">
                  <span className="history-version">v{op.version}</span> {summarizeOp(op)}
                  <OpDetails op={op} model={model} readOnly={readOnly} />
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </li>
  )
}

/** A timeline entry; re-renders only when its entry, selection or dropped details change. */
export const HistoryEntry = memo(Entry)
