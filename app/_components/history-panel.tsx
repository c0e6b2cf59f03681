import { memo, useCallback, useDeferredValue, useState } from "react"
import type { EditorView } from "prosemirror-view"
import type { HistoryModel, TimelineEntry, TimelineFilter } from "@/lib/history"
import { HistoryList } from "./history-list"
import { HistoryScrubber } from "./history-scrubber"
import { useHistorySnapshot } from "./history-state"

/** Entries drawn at first and added by "Show more": while many people type, live ops replace them all several times a second. */
const pageOfEntries = 25

function filterValue(filter: TimelineFilter): string {
  return filter.kind == "author" ? `author:${filter.clientId}` : filter.kind
}

function parseFilter(value: string): TimelineFilter {
  if (value.startsWith("author:")) return { kind: "author", clientId: value.slice("author:".length) }
  return value == "merges" || value == "mine" ? { kind: value } : { kind: "all" }
}

/** Scroll the editor so that position `pos` is in view. */
function reveal(view: EditorView, pos: number): void {
  const { node } = view.domAtPos(pos)
  const element = node instanceof Element ? node : node.parentElement
  element?.scrollIntoView({ block: "center", behavior: "smooth" })
}

/**
 * The history panel (memoized: it follows the model, not the editor's every change): a version scrubber, a filter, and the live timeline of committed ops, newest first,
 * with merges explained and dropped changes offered back. Clicking an entry highlights it in `view`.
 * `readOnly` (a view link, or a revoked one) leaves out every action that would change the document.
 */
export const HistoryPanel = memo(function HistoryPanel({ model, view, readOnly }: { model: HistoryModel; view: EditorView | null; readOnly: boolean }) {
  const snapshot = useHistorySnapshot(model)
  const [shown, setShown] = useState(pageOfEntries)
  const entries = model.entries()
  // Live ops change the entries several times a second while many people type: the list follows in a
  // render React may interrupt, so that no update of it blocks the page.
  const listed = useDeferredValue(entries)
  const people = model.authors()

  // Stable, so that the memoized entries do not re-render whenever the panel does.
  const select = useCallback((entry: TimelineEntry) => {
    const ranges = model.highlight(model.snapshot.selected == entry.key ? null : entry)
    const target = ranges.find(r => r.role == "landed") ?? ranges[0]
    if (view && target) reveal(view, target.from)
  }, [model, view])

  return (
    <aside className="history-panel" data-testid="history-panel" aria-label="History">
      <div className="history-head">
        <h2 className="history-title">History</h2>
        <select className="history-filter" data-testid="history-filter" aria-label="Show" value={filterValue(snapshot.filter)}
          onChange={event => model.setFilter(parseFilter(event.target.value))}>
          <option value="all">All changes</option>
          <option value="merges">Merges</option>
          <option value="mine">Mine</option>
          {people.map(person => <option key={person.clientId} value={`author:${person.clientId}`}>By {person.author.name}</option>)}
        </select>
      </div>
      <HistoryScrubber model={model} snapshot={snapshot} readOnly={readOnly} />
      {snapshot.error && <p className="history-note history-error" role="alert">{snapshot.error}</p>}
      {snapshot.loading ? (
        <p className="history-note" data-testid="history-loading">{snapshot.offline ? "History loads once this page is back online." : "Loading history…"}</p>
      ) : entries.length == 0 ? (
        <p className="history-note">{snapshot.filter.kind == "all" ? "No changes yet." : "No changes match."}</p>
      ) : (
        <HistoryList entries={listed} shown={shown} model={model} selected={snapshot.selected} revision={snapshot.revision} readOnly={readOnly} onSelect={select} />
      )}
      <div className="history-more">
        {entries.length > shown && (
          <button type="button" className="button button-quiet" onClick={() => setShown(n => n + pageOfEntries)}>Show more</button>
        )}
        {entries.length <= shown && snapshot.hasOlder && (
          <button type="button" className="button button-quiet" disabled={snapshot.loadingOlder} onClick={() => void model.loadOlder()}>
            {snapshot.loadingOlder ? "Loading…" : "Load older changes"}
          </button>
        )}
      </div>
    </aside>
  )
})
