"use client"

import { useState } from "react"
import { parseScenario, type Scenario } from "@/lib/strategies"

/** Paste a scenario's JSON or choose a file; a scenario that does not validate shows every problem, each with its path. */
export function LabImportPanel({ onImport, onClose }: { onImport: (scenario: Scenario) => void; onClose: () => void }) {
  const [text, setText] = useState("")
  const [errors, setErrors] = useState<string[]>([])
  const load = (json: string) => {
    const check = parseScenario(json)
    if (check.ok) onImport(check.scenario)
    else setErrors(check.errors)
  }
  return (
    <form className="lab-import" data-testid="lab-import-panel" onSubmit={e => {
      e.preventDefault()
      load(text)
    }}>
      <div className="lab-import-head">
        <h2>Import a scenario</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">×</button>
      </div>
      <p className="lab-hint">The JSON that Export saves, and that the tests replay: a starting document, leaders with clock skews, and timed edits, partitions and heals.</p>
      <label className="visually-hidden" htmlFor="lab-import-text">Scenario JSON</label>
      <textarea id="lab-import-text" className="lab-import-text" data-testid="lab-import-text" rows={8} spellCheck={false} value={text}
        placeholder={'{ "name": "…", "description": "…", "start": ["…"], "leaders": [ … ], "events": [ … ] }'}
        onChange={e => setText(e.target.value)} />
      {errors.length > 0 && (
        <ul className="lab-import-errors" data-testid="lab-import-errors" role="alert">
          {errors.slice(0, 8).map((error, i) => <li key={i}>{error}</li>)}
          {errors.length > 8 && <li>and {errors.length - 8} more</li>}
        </ul>
      )}
      <div className="lab-import-actions">
        <label className="button lab-file">
          Choose file…
          <input type="file" accept="application/json,.json" data-testid="lab-import-file" className="visually-hidden" onChange={async e => {
            const file = e.target.files?.[0]
            if (!file) return
            const json = await file.text()
            setText(json)
            load(json)
          }} />
        </label>
        <button type="submit" className="button button-primary" data-testid="lab-import-load" disabled={!text.trim()}>Load scenario</button>
      </div>
    </form>
  )
}
