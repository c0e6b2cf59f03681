"use client"

import { useEffect, useState, type CSSProperties } from "react"
import type { Node } from "prosemirror-model"
import { duration, type Edit } from "@/lib/strategies"
import { textOn } from "@/lib/editor/text-on-color"
import { LabLeaderEditor } from "./lab-leader-editor"

const units = { s: 1000, min: 60_000 } as const
type Unit = keyof typeof units

/** How far a clock runs from real time, in words. */
function skewText(ms: number): string {
  return ms == 0 ? "Clock right" : `Clock ${duration(ms)} ${ms > 0 ? "ahead" : "behind"}`
}

/** A leader's clock skew: a number of seconds or minutes ahead (negative: behind). */
function ClockSkewField({ leader, skewMs, onChange }: { leader: string; skewMs: number; onChange: (ms: number) => void }) {
  const [unit, setUnit] = useState<Unit>(skewMs % 60_000 == 0 ? "min" : "s")
  const [text, setText] = useState(String(skewMs / units[unit]))
  // Follow the scenario when it changes from outside (a scenario loaded), not while this field is typed in.
  useEffect(() => {
    if (Number(text) * units[unit] != skewMs) {
      const next: Unit = skewMs % 60_000 == 0 ? "min" : "s"
      setUnit(next)
      setText(String(skewMs / units[next]))
    }
  }, [skewMs])
  const limit = 60 * 60_000 / units[unit]
  const commit = (value: string, inUnit: Unit) => {
    const n = Number(value)
    if (value.trim() != "" && Number.isFinite(n)) onChange(Math.round(Math.max(-limit, Math.min(limit, n)) * units[inUnit]))
  }
  return (
    <label className="lab-skew" title="How far this leader's clock runs ahead of real time (negative: behind). Last-writer-wins trusts it.">
      <span className="lab-skew-label">Clock skew</span>
      <input type="number" inputMode="decimal" step={1} min={-limit} max={limit} value={text} data-testid={`lab-skew-${leader}`}
        aria-label={`${leader}'s clock skew in ${unit == "s" ? "seconds" : "minutes"}`}
        onChange={e => {
          setText(e.target.value)
          commit(e.target.value, unit)
        }} />
      <select value={unit} aria-label={`Unit of ${leader}'s clock skew`} data-testid={`lab-skew-unit-${leader}`}
        onChange={e => {
          const next = e.target.value as Unit
          setUnit(next)
          commit(text, next)
        }}>
        <option value="s">s</option>
        <option value="min">min</option>
      </select>
    </label>
  )
}

/** One leader: their name, link state and clock, and their own editor on their own copy of the document. */
export function LabLeaderPanel(props: {
  leader: string
  color: string
  doc: Node
  split: boolean
  clockSkewMs: number
  edits: number
  onSkew: (ms: number) => void
  onEdits: (edits: Edit[], doc: Node) => void
  newId: () => string
  onRemove?: () => void
}) {
  const { leader, color, doc, split, clockSkewMs, edits } = props
  const [refused, setRefused] = useState<string | null>(null)
  useEffect(() => {
    if (!refused) return
    const timer = setTimeout(() => setRefused(null), 5000)
    return () => clearTimeout(timer)
  }, [refused])
  const events = { onEdits: props.onEdits, onRefused: setRefused, newId: props.newId }
  return (
    <section className="lab-leader" data-testid="lab-leader" data-leader={leader} style={{ "--leader": color } as CSSProperties}
      aria-label={`${leader}'s editor`}>
      <header className="lab-leader-head">
        <div className="lab-leader-name">
          <span className="avatar" style={{ background: color, color: textOn(color) }} aria-hidden="true">{leader.slice(0, 2).toUpperCase()}</span>
          <span className="lab-leader-title">{leader}</span>
          <span className={split ? "lab-link lab-link-cut" : "lab-link"} data-testid="lab-link-state">
            <span className="status-dot" aria-hidden="true" />{split ? "Cut off" : "Connected"}
          </span>
        </div>
        {props.onRemove && (
          <button type="button" className="icon-button" onClick={props.onRemove} aria-label={`Remove ${leader}`} title={`Remove ${leader}`}>×</button>
        )}
      </header>
      <div className="lab-leader-meta">
        <ClockSkewField leader={leader} skewMs={clockSkewMs} onChange={props.onSkew} />
        <span className="lab-leader-note">{skewText(clockSkewMs)} · {edits} edit{edits == 1 ? "" : "s"}</span>
      </div>
      <div className="lab-page">
        <LabLeaderEditor leader={leader} doc={doc} events={events} />
      </div>
      {refused && <p className="lab-refused" role="status">Not recorded: {refused}.</p>}
    </section>
  )
}
