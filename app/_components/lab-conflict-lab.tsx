"use client"

import Link from "next/link"
import { useCallback, useEffect, useReducer, useRef, useState } from "react"
import type { Node } from "prosemirror-model"
import {
  extraLeaderNames, initialLabState, isSplit, labReducer, leaderColor, newBlockIdFor, shownOutcome, usedBlockIds, type LabState
} from "@/lib/lab"
import { builtInScenarios, serializeScenario, strategyNames, type Edit, type Scenario } from "@/lib/strategies"
import { LabImportPanel } from "./lab-import-panel"
import { LabLeaderPanel } from "./lab-leader-panel"
import { LabStrategyColumn } from "./lab-strategy-column"
import { LabTimeline } from "./lab-timeline"

const maxLeaders = 2 + extraLeaderNames.length

/** The picker's value for the lab's current scenario. */
function pickerValue(state: LabState): string {
  const { source } = state
  return source.kind == "built-in" ? `built-in:${source.index}` : source.kind
}

function download(scenario: Scenario): void {
  const slug = scenario.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "scenario"
  const url = URL.createObjectURL(new Blob([serializeScenario(scenario)], { type: "application/json" }))
  const link = document.createElement("a")
  link.href = url
  link.download = `${slug}.json`
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/**
 * The conflict lab (issue #6): leaders side by side, each with an editor on their own copy of a
 * document and a link to a simulated network the page can split and heal. What they type is recorded
 * as a scenario, which every strategy replays (invariant 6); the columns show what each one kept.
 */
export function ConflictLab() {
  const [state, dispatch] = useReducer(labReducer, undefined, initialLabState)
  const [importing, setImporting] = useState(false)
  const latest = useRef(state)
  latest.current = state
  const given = useRef(new Set<string>())

  const { scenario, run } = state
  const split = isSplit(scenario)
  const leaders = scenario.leaders.map(l => l.name)
  const colors = Object.fromEntries(leaders.map((name, i) => [name, leaderColor(i)]))
  const stale = run != null && run.scenario !== scenario

  // Once results are shown, they follow the scenario: a change replays it again, shortly after typing stops.
  useEffect(() => {
    if (!stale) return
    const timer = setTimeout(() => dispatch({ type: "run" }), 500)
    return () => clearTimeout(timer)
  }, [stale, scenario])

  const newId = useCallback((leader: string) => {
    const { scenario, docs } = latest.current
    const taken = usedBlockIds(scenario)
    for (const doc of Object.values(docs)) doc.forEach(block => { if (typeof block.attrs.id == "string") taken.add(block.attrs.id) })
    for (const id of given.current) taken.add(id)
    const id = newBlockIdFor(leader, taken)
    given.current.add(id)
    return id
  }, [])

  const edits = (leader: string) => scenario.events.filter(e => "leader" in e && e.leader == leader).length
  const nextLeader = extraLeaderNames.find(name => !leaders.includes(name))

  return (
    <div className="lab">
      <header className="lab-header">
        <Link href="/" className="brand" title="All documents"><span className="brand-mark" aria-hidden="true" /><span className="brand-name">Concord</span></Link>
        <span className="lab-header-title">Conflict lab</span>
        <Link href="/" className="button button-quiet lab-header-link">Documents</Link>
      </header>
      <main className="lab-main">
        <section className="lab-intro">
          <h1>What happens to concurrent edits?</h1>
          <p>
            Two newsrooms edit the same story. Split the network, type in both editors, then heal it: the same edits are
            replayed under operational transformation, a CRDT, version vectors and last-writer-wins, side by side.
          </p>
        </section>

        <section className="lab-toolbar" aria-label="Scenario">
          <div className="lab-scenario">
            <label className="lab-field-label" htmlFor="lab-scenario">Scenario</label>
            <select id="lab-scenario" data-testid="lab-scenario" value={pickerValue(state)} onChange={e => {
              const value = e.target.value
              const now = performance.now()
              if (value.startsWith("built-in:")) {
                const index = Number(value.slice("built-in:".length))
                dispatch({ type: "load", scenario: builtInScenarios[index], source: { kind: "built-in", index }, now })
              } else if (value == "imported" && state.imported) {
                dispatch({ type: "load", scenario: state.imported, source: { kind: "imported" }, now })
              }
            }}>
              {state.source.kind == "recording" && <option value="recording">{scenario.name}</option>}
              <optgroup label="Built-in scenarios">
                {builtInScenarios.map((s, i) => <option key={s.name} value={`built-in:${i}`}>{s.name}</option>)}
              </optgroup>
              {state.imported && <optgroup label="Imported"><option value="imported">{state.imported.name}</option></optgroup>}
            </select>
            <p className="lab-description" data-testid="lab-description">{scenario.description}</p>
          </div>
          <div className="lab-actions">
            <button type="button" className="button button-primary" data-testid="lab-run" onClick={() => dispatch({ type: "run" })}>
              <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false"><path d="M7 4.5v15l13-7.5z" fill="currentColor" /></svg>
              Run
            </button>
            <button type="button" className="button" data-testid="lab-export" onClick={() => download(scenario)}>Export</button>
            <button type="button" className="button" data-testid="lab-import" aria-expanded={importing} onClick={() => setImporting(!importing)}>Import</button>
            <button type="button" className="button button-quiet" data-testid="lab-start-over" title="Back to the starting document, with nothing recorded"
              onClick={() => dispatch({ type: "start-over", now: performance.now() })}>Start over</button>
          </div>
        </section>

        {importing && (
          <LabImportPanel onClose={() => setImporting(false)} onImport={imported => {
            setImporting(false)
            dispatch({ type: "load", scenario: imported, source: { kind: "imported" }, now: performance.now() })
          }} />
        )}
        {state.error && <p className="issue issue-loss lab-error" role="alert" data-testid="lab-error">{state.error}</p>}

        <section className={split ? "lab-network lab-network-split" : "lab-network"} aria-label="Network">
          <div className="lab-network-state" role="status" data-testid="lab-network">
            <span className="lab-network-icon" aria-hidden="true" />
            <span>
              <strong>{split ? "Network split" : "Network connected"}</strong>
              <span className="lab-network-detail">{split ? "Each leader edits alone. Heal to merge." : "Edits reach every leader at once."}</span>
            </span>
          </div>
          <div className="lab-network-actions">
            {nextLeader && leaders.length < maxLeaders && (
              <button type="button" className="button button-quiet" data-testid="lab-add-leader" onClick={() => dispatch({ type: "add-leader", name: nextLeader })}>
                + Add {nextLeader}
              </button>
            )}
            <button type="button" className={split ? "button button-primary" : "button lab-partition"} data-testid="lab-partition" aria-pressed={split}
              onClick={() => dispatch({ type: "network", change: split ? "heal" : "partition", now: performance.now() })}>
              {split ? "Heal" : "Partition"}
            </button>
          </div>
        </section>

        <div className="lab-leaders" data-count={leaders.length}>
          {scenario.leaders.map((leader, i) => (
            <LabLeaderPanel key={`${leader.name}-${state.epoch}`} leader={leader.name} color={leaderColor(i)} doc={state.docs[leader.name]}
              split={split} clockSkewMs={leader.clockSkewMs} edits={edits(leader.name)}
              onSkew={ms => dispatch({ type: "skew", leader: leader.name, clockSkewMs: ms })}
              onEdits={(edits: Edit[], doc: Node) => dispatch({ type: "edit", leader: leader.name, edits, doc, now: performance.now() })}
              newId={() => newId(leader.name)}
              onRemove={i >= 2 && edits(leader.name) == 0 ? () => dispatch({ type: "remove-leader", name: leader.name }) : undefined} />
          ))}
        </div>
        <LabTimeline scenario={scenario} />

        <section className="lab-results" aria-labelledby="lab-results-heading">
          <div className="lab-results-head">
            <h2 id="lab-results-heading">What each strategy keeps</h2>
            {/* Always there, so that a screen reader announces each run's result as it changes. */}
            <span className="lab-results-note" data-testid="lab-run-state" role="status">{run ? (stale ? "Updating…" : `Replayed ${run.scenario.events.length} events under every strategy`) : ""}</span>
          </div>
          {run ? (
            <div className="lab-columns" data-testid="lab-columns">
              {strategyNames.map(name => (
                <LabStrategyColumn key={name} name={name} outcome={shownOutcome(run, name)} run={run} leaders={run.scenario.leaders.map(l => l.name)}
                  colors={colors} onResolve={resolution => dispatch({ type: "resolve", resolution })} />
              ))}
            </div>
          ) : (
            <div className="lab-empty">
              <p><strong>Try it:</strong> press Partition, type in both editors (the same sentence makes it interesting), then Heal.</p>
              <p>Or pick a built-in scenario. Each strategy&apos;s result appears here, side by side.</p>
            </div>
          )}
        </section>
      </main>
    </div>
  )
}
