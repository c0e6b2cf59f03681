"use client"

import { modes, strategies, type Outcome, type Overwrite, type StrategyName } from "@/lib/strategies"
import { columnVerdict, conflictResolver, type LabRun, type Resolution } from "@/lib/lab"
import { LabConflictCard } from "./lab-conflict-card"


function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function OverwriteEntry({ overwrite }: { overwrite: Overwrite }) {
  const { loser, winner, loserTime, winnerTime } = overwrite
  const headline = loserTime && winnerTime ? `${loser}'s edit at ${loserTime} lost to ${winner}'s at ${winnerTime}` : `${loser}'s edit lost to ${winner}'s`
  return (
    <li className="lab-entry lab-entry-bad" data-testid="lab-overwritten" data-loser={loser} data-winner={winner}>
      <p className="lab-entry-title">{headline}{overwrite.block ? <> in <code>{overwrite.block}</code></> : null}</p>
      {overwrite.lostText && <p className="lab-entry-lost">Discarded <del>{overwrite.lostText}</del></p>}
      <p className="lab-entry-reason">{capitalised(overwrite.reason)}.</p>
    </li>
  )
}

function ResolutionEntry({ resolution }: { resolution: Resolution }) {
  const what = resolution.kept ? `kept ${resolution.kept}'s version` : resolution.text == null ? "kept the deletion" : `merged it to “${resolution.text}”`
  return (
    <li className="lab-entry lab-entry-good" data-testid="lab-resolution">
      <p className="lab-entry-title">Block <code>{resolution.block}</code>: a person {what}</p>
      <p className="lab-entry-reason">Chosen on {resolution.leader}&apos;s copy; its version vector dominates every version, so it replaces them wherever it spreads.</p>
    </li>
  )
}

/**
 * One strategy's result for the lab's scenario: each leader's final text, what was lost and overwritten
 * (whose, and why), the words that came out broken, the conflicts waiting for a person (for version
 * vectors, to resolve here), and whether the leaders converged.
 */
export function LabStrategyColumn({ name, outcome, run, leaders, colors, onResolve }: {
  name: StrategyName
  outcome: Outcome
  run: LabRun
  leaders: readonly string[]
  colors: Record<string, string>
  onResolve: (resolution: Resolution) => void
}) {
  const { text, tone } = columnVerdict(outcome)
  const explained = new Set(outcome.overwritten.flatMap(o => o.edits))
  const otherLosses = outcome.lost.filter(l => !explained.has(l.event))
  const resolutions = modes[name].resolvesByHand ? run.resolutions : []
  return (
    <article className="lab-column" data-testid="lab-column" data-strategy={name} aria-labelledby={`lab-column-${name}`}>
      <header className="lab-column-head">
        <h3 id={`lab-column-${name}`}>{modes[name].shortLabel}</h3>
        <p className="lab-column-label" title={strategies[name].description}>{strategies[name].label}</p>
        <span className={`lab-verdict lab-verdict-${tone}`} data-testid="lab-verdict">{text}</span>
      </header>
      <dl className="lab-stats">
        <div><dt>Characters lost</dt><dd data-testid="lab-chars-lost">{outcome.charsLost}</dd></div>
        <div><dt>Words broken</dt><dd data-testid="lab-words-broken">{outcome.wordsBroken}</dd></div>
        <div><dt>Edits lost</dt><dd data-testid="lab-edits-lost">{outcome.editsLost}</dd></div>
        <div><dt>Conflicts</dt><dd data-testid="lab-conflicts">{outcome.conflicts.length}</dd></div>
        <div><dt>Converged</dt><dd data-testid="lab-converged" className={outcome.converged ? "lab-yes" : "lab-no"}>{outcome.converged ? "yes" : "no"}</dd></div>
      </dl>
      <div className="lab-section">
        <h4>Final text</h4>
        {leaders.map(leader => (
          <div key={leader} className="lab-final" style={{ borderLeftColor: colors[leader] }}>
            <span className="lab-final-leader">{leader}</span>
            <div className="lab-final-text" data-testid="lab-final-text" data-leader={leader}>
              {(outcome.finalTexts[leader] ?? "").split("\n").map((line, i) => <p key={i}>{line || "\u00a0"}</p>)}
            </div>
          </div>
        ))}
      </div>
      {outcome.conflicts.length > 0 && (
        <div className="lab-section">
          <h4>Waiting for a person</h4>
          <ul className="lab-entries">
            {outcome.conflicts.map(conflict => {
              const resolver = conflictResolver(run.versionVectors, conflict.block, leaders[0])
              return (
                <LabConflictCard key={`${conflict.block}-${run.resolutions.length}`} conflict={conflict} colors={colors} resolver={resolver}
                  onResolve={(text, kept) => resolver && onResolve({ block: conflict.block, text, leader: resolver, kept })} />
              )
            })}
          </ul>
        </div>
      )}
      {resolutions.length > 0 && (
        <div className="lab-section">
          <h4>Resolved</h4>
          <ul className="lab-entries">{resolutions.map((r, i) => <ResolutionEntry key={i} resolution={r} />)}</ul>
        </div>
      )}
      {outcome.overwritten.length > 0 && (
        <div className="lab-section">
          <h4>Overwritten</h4>
          <ul className="lab-entries">{outcome.overwritten.map((o, i) => <OverwriteEntry key={i} overwrite={o} />)}</ul>
        </div>
      )}
      {otherLosses.length > 0 && (
        <div className="lab-section">
          <h4>Lost</h4>
          <ul className="lab-entries">
            {otherLosses.map(lost => (
              <li key={lost.event} className="lab-entry lab-entry-bad" data-testid="lab-lost">
                <p className="lab-entry-title">{lost.leader}&apos;s <del>{lost.lostText}</del></p>
                <p className="lab-entry-reason">{capitalised(lost.reason)}.</p>
              </li>
            ))}
          </ul>
        </div>
      )}
      {outcome.broken.length > 0 && (
        <div className="lab-section">
          <h4>Broken</h4>
          <ul className="lab-entries">
            {outcome.broken.map((broken, i) => (
              <li key={i} className="lab-entry lab-entry-warn" data-testid="lab-broken">
                <p className="lab-entry-title">{broken.leader}&apos;s “{broken.word}” came out as “{broken.shownAs}”</p>
                <p className="lab-entry-reason">Text typed by someone who had not seen it landed inside the word.</p>
              </li>
            ))}
          </ul>
        </div>
      )}
      <details className="lab-log">
        <summary>Step by step</summary>
        <ol>{outcome.log.map((line, i) => <li key={i}>{line}</li>)}</ol>
      </details>
    </article>
  )
}
