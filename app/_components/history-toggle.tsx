/** Opens and closes the history panel. */
export function HistoryToggle({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button type="button" className={open ? "button button-quiet history-toggle is-active" : "button button-quiet history-toggle"}
      data-testid="history-toggle" aria-pressed={open} aria-label="History"
      title="How the document changed, who changed it and how concurrent edits were merged" onClick={onToggle}>
      <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round"
        strokeLinejoin="round" aria-hidden="true" focusable="false">
        <path d="M3 12a9 9 0 1 0 3-6.7" /><path d="M3 4v5h5" /><path d="M12 7v5l3 2" />
      </svg>
      <span className="history-toggle-label">History</span>
    </button>
  )
}
