"use client"

import { blockNamer, capitalized, modes, strategies, type LostEdit, type Outcome, type Overwrite, type StrategyName } from "@/lib/strategies"
import { columnVerdict, conflictResolver, type LabRun, type Resolution } from "@/lib/lab"
import { listWords } from "@/lib/history"
import { Fragment, type ReactNode } from "react"
import { LabConflictCard } from "./lab-conflict-card"


/** A titled list of a column's entries, left out when it has none. */
function LabSection({ title, children }: { title: string; children: ReactNode[] }) {
  if (!children.length) return null
  return (
    <div className="lab-section">
      <h4>{title}</h4>
      <ul className="lab-entries">{children}</ul>
    </div>
  )
}

/** One entry of a column's list: what became of an edit, and why. */
function LabEntry({ tone, testId, title, reason, children }: { tone: "good" | "warn" | "bad"; testId: string; title: ReactNode; reason: string; children?: ReactNode }) {
  return (
    <li className={`lab-entry lab-entry-${tone}`} data-testid={testId}>
      <p className="lab-entry-title">{title}</p>
      {children}
      <p className="lab-entry-reason">{reason}</p>
    </li>
  )
}

/** What an overwrite or a loss cost its edits: the typed text discarded, each edit's apart, and deletions undone. */
function LostParts({ losses }: { losses: readonly LostEdit[] }) {
  const discarded = losses.filter(l => l.lostText)
  return (
    <>
      {discarded.length > 0 && (
        <p className="lab-entry-lost">Discarded {discarded.map((l, i) => <Fragment key={l.event}>{i ? ", " : ""}“<del>{l.lostText}</del>”</Fragment>)}</p>
      )}
      {losses.filter(l => l.undone).map(l => <UndoneLine key={l.event} lost={l} />)}
    </>
  )
}

/** The text an edit deleted that its strategy brought back. */
function UndoneLine({ lost }: { lost: LostEdit }) {
  return <p className="lab-entry-lost" data-testid="lab-undone">Brought back “<ins>{lost.undone}</ins>”, which {lost.leader} deleted</p>
}

function OverwriteEntry({ overwrite, losses, blockName }: { overwrite: Overwrite; losses: readonly LostEdit[]; blockName: (id: string) => string }) {
  const { loser, winner, loserTime, winnerTime } = overwrite
  const headline = loserTime && winnerTime ? `${loser}'s edit at ${loserTime} lost to ${winner}'s at ${winnerTime}` : `${loser}'s edit lost to ${winner}'s`
  return (
    <LabEntry tone="bad" testId="lab-overwritten" reason={`${capitalized(overwrite.reason)}.`}
      title={<>{headline}{overwrite.block ? ` in ${blockName(overwrite.block)}` : null}</>}>
      <LostParts losses={losses} />
    </LabEntry>
  )
}

function ResolutionEntry({ resolution, blockName }: { resolution: Resolution; blockName: (id: string) => string }) {
  const what = resolution.kept ? `kept ${resolution.kept}'s ${resolution.text == null ? "deletion" : "version"}` : resolution.text == null ? "kept the deletion" : `merged it to “${resolution.text}”`
  const discarded = resolution.discarded ?? []
  return (
    <LabEntry tone={discarded.length ? "warn" : "good"} testId="lab-resolution" title={`${capitalized(blockName(resolution.block))}: a person ${what}`}
      reason={`Chosen on ${resolution.leader}'s copy; its version vector dominates every version, so it replaces them wherever it spreads.`}>
      {discarded.length > 0 && (
        <p className="lab-entry-lost" data-testid="lab-discarded">
          Discarded {discarded.map((v, i) => <Fragment key={i}>{i ? ", " : ""}{v.leader}'s {v.deleted ? "deletion" : <>“<del>{v.text}</del>”</>}</Fragment>)}
        </p>
      )}
    </LabEntry>
  )
}

/**
 * One strategy's result for the lab's scenario: each leader's final text, what was lost and overwritten
 * (whose, and why), the words that came out broken or spliced, the conflicts waiting for a person (for version
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
  const resolutions = modes[name].resolvesByHand ? run.resolutions : []
  const { text, tone } = columnVerdict(outcome, resolutions)
  const explained = new Set(outcome.overwritten.flatMap(o => o.edits))
  const otherLosses = outcome.lost.filter(l => !explained.has(l.event))
  const blockName = blockNamer(run.scenario)
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
        <div><dt>Words spliced</dt><dd data-testid="lab-words-spliced">{outcome.wordsSpliced}</dd></div>
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
        {outcome.conflicts.length > 0 && (
          <p className="lab-final-note" data-testid="lab-final-note">
            A block in conflict shows one of its versions here; every version waits below for a person, and nothing of the others is lost.
          </p>
        )}
      </div>
      <LabSection title="Waiting for a person">
        {outcome.conflicts.map(conflict => {
          const resolver = conflictResolver(run.versionVectors, conflict.block, leaders[0])
          return (
            <LabConflictCard key={`${conflict.block}-${run.resolutions.length}`} conflict={conflict} name={blockName(conflict.block)} colors={colors} resolver={resolver}
              onResolve={(text, kept) => resolver && onResolve({ block: conflict.block, text, leader: resolver, kept })} />
          )
        })}
      </LabSection>
      <LabSection title="Resolved">{resolutions.map((r, i) => <ResolutionEntry key={i} resolution={r} blockName={blockName} />)}</LabSection>
      <LabSection title="Overwritten">
        {outcome.overwritten.map((o, i) => <OverwriteEntry key={i} overwrite={o} blockName={blockName} losses={outcome.lost.filter(l => o.edits.includes(l.event))} />)}
      </LabSection>
      <LabSection title="Lost">
        {otherLosses.map(lost => (
          <LabEntry key={lost.event} tone="bad" testId="lab-lost" reason={`${capitalized(lost.reason)}.`}
            title={<>{lost.leader}&apos;s {lost.lostText ? <del>{lost.lostText}</del> : <>deletion of “{lost.undone}”, undone</>}</>}>
            {lost.lostText && lost.undone ? <UndoneLine lost={lost} /> : null}
          </LabEntry>
        ))}
      </LabSection>
      <LabSection title="Broken">
        {outcome.broken.map((broken, i) => (
          <LabEntry key={i} tone="warn" testId="lab-broken" title={`${broken.leader}'s “${broken.word}” came out as “${broken.shownAs}”`}
            reason="Text typed by someone who had not seen it landed inside the word." />
        ))}
      </LabSection>
      <LabSection title="Spliced">
        {outcome.spliced.map((spliced, i) => (
          <LabEntry key={i} tone="warn" testId="lab-spliced" title={`“${spliced.word}” is ${listWords(spliced.leaders.map(leader => `${leader}'s`))} edits in one word`}
            reason="Made without seeing each other: a word nobody wrote." />
        ))}
      </LabSection>
      <details className="lab-log">
        <summary>Step by step</summary>
        <ol>{outcome.log.map((line, i) => <li key={i}>{line}</li>)}</ol>
      </details>
    </article>
  )
}
