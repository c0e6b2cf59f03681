import { memo } from "react"
import type { HistoryModel, TimelineEntry } from "@/lib/history"
import { HistoryEntry } from "./history-entry"

/**
 * The first `shown` timeline entries, newest first. The panel passes it a deferred copy of the entries
 * (useDeferredValue), so that React draws the entries that live ops bring in a render it can interrupt,
 * and typing or scrolling in the page never waits for the list.
 */
export const HistoryList = memo(function HistoryList({ entries, shown, model, selected, revision, readOnly, onSelect }: {
  entries: readonly TimelineEntry[]
  shown: number
  model: HistoryModel
  /** The key of the entry highlighted in the editor. */
  selected: string | null
  /** Changes whenever dropped details may have. */
  revision: number
  /** Leave out the Restore actions. */
  readOnly: boolean
  onSelect: (entry: TimelineEntry) => void
}) {
  return (
    <ol className="history-list" aria-label="Changes, newest first">
      {entries.slice(0, shown).map(entry => (
        <HistoryEntry key={entry.key} entry={entry} model={model} selected={selected == entry.key}
          revision={entry.dropped ? revision : 0} readOnly={readOnly} onSelect={onSelect} />
      ))}
    </ol>
  )
})
