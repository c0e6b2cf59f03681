/**
 * Switches between working online and a deliberate offline mode in which edits stay local. Clicking
 * it leaves the focus in the editor, so typing goes on into the document. Its name says what it does
 * next ("Work offline", "Go online"), so it is not also a pressed toggle.
 */
export function OfflineToggle({ offline, onToggle }: { offline: boolean; onToggle: () => void }) {
  const label = offline ? "Go online" : "Work offline"
  return (
    <button type="button" className={offline ? "button button-quiet offline-toggle is-active" : "button button-quiet offline-toggle"}
      data-testid="offline-toggle" aria-label={label}
      title={offline ? "Reconnect and merge your changes" : "Disconnect and keep editing locally"}
      onMouseDown={event => event.preventDefault()} onClick={onToggle}>
      <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round"
        strokeLinejoin="round" aria-hidden="true" focusable="false">
        {offline
          ? <><path d="M5 12.5a10 10 0 0 1 14 0" /><path d="M8.5 16a5 5 0 0 1 7 0" /><path d="M2 9a15 15 0 0 1 20 0" /><circle cx="12" cy="19.5" r="0.8" fill="currentColor" /></>
          : <><path d="m3 3 18 18" /><path d="M8.5 16a5 5 0 0 1 7 0" /><path d="M5 12.5a10 10 0 0 1 5.2-2.8" /><path d="M14.5 10a10 10 0 0 1 4.5 2.5" /><path d="M2 9a15 15 0 0 1 4.3-2.8" /><path d="M10.7 5.1A15 15 0 0 1 22 9" /><circle cx="12" cy="19.5" r="0.8" fill="currentColor" /></>}
      </svg>
      <span className="offline-toggle-label">{label}</span>
    </button>
  )
}
