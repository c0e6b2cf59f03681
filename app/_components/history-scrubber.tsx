import { useRef } from "react"
import type { HistoryModel, HistorySnapshot } from "@/lib/history"

/**
 * The version scrubber: a slider over every version, a step back and forward, play and pause; while an
 * older version is shown, "Restore this version" (unless `readOnly`) and a way back to the live document.
 * Both end the travel and go with it: the focus goes to the slider rather than to the page. The slider
 * reads as the label says ("Version 3 of 9"), and the label is announced as it changes.
 */
export function HistoryScrubber({ model, snapshot, readOnly }: { model: HistoryModel; snapshot: HistorySnapshot; readOnly: boolean }) {
  const { head, travel } = snapshot
  const travelling = travel.version != null
  const shown = travel.version ?? head
  const slider = useRef<HTMLInputElement>(null)
  const label = travelling ? `Version ${shown} of ${head}` : `Current version: ${head}`
  return (
    <div className="history-travel">
      <div className="history-travel-row">
        <button type="button" className="icon-button" data-testid="version-back" aria-label="Previous version"
          disabled={shown <= 0} onClick={() => void model.travel.step(-1)}>‹</button>
        <input ref={slider} type="range" className="history-slider" data-testid="version-slider" aria-label="Version" aria-valuetext={label}
          min={0} max={Math.max(head, 1)} step={1} value={shown}
          onChange={event => void model.travel.show(Number(event.target.value))} />
        <button type="button" className="icon-button" data-testid="version-forward" aria-label="Next version"
          disabled={!travelling || shown >= head} onClick={() => void model.travel.step(1)}>›</button>
        <button type="button" className="icon-button" data-testid="version-play" aria-label={travel.playing ? "Pause" : "Play the history"}
          onClick={() => (travel.playing ? model.travel.pause() : model.travel.play())}>
          {travel.playing ? "❚❚" : "▶"}
        </button>
      </div>
      <div className="history-travel-row history-travel-status">
        <span className="history-travel-label" data-testid="version-label" aria-live="polite">
          {label}
          {travel.loading && travelling ? " …" : ""}
        </span>
        {travelling && (
          <span className="history-travel-actions">
            {!readOnly && (
              <button type="button" className="button button-primary" data-testid="restore-version"
                disabled={!travel.doc || travel.loading} onClick={() => {
                  model.restoreTravelVersion()
                  slider.current?.focus()
                }}>Restore this version</button>
            )}
            <button type="button" className="button button-quiet" data-testid="version-exit" onClick={() => {
              model.travel.exit()
              slider.current?.focus()
            }}>Back to now</button>
          </span>
        )}
      </div>
      {travel.error && <p className="history-note history-error" role="alert">{travel.error}</p>}
    </div>
  )
}
