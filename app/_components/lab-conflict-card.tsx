"use client"

import { useState } from "react"
import { capitalized, formatVector, type Conflict } from "@/lib/strategies"

/**
 * A block the version-vector strategy kept in several versions: the versions side by side, a button
 * to keep each, and a box to type a merge. `resolver` is whose copy the choice is made on; null when no
 * copy holds the versions yet (the network is split), and then nothing can be chosen. `name` is how the
 * lab names the block ("block 2").
 */
export function LabConflictCard({ conflict, name, colors, resolver, onResolve }: {
  conflict: Conflict
  name: string
  colors: Record<string, string>
  resolver: string | null
  onResolve: (text: string | null, kept: string | null) => void
}) {
  const [merge, setMerge] = useState(conflict.versions.find(v => !v.deleted)?.text ?? "")
  return (
    <li className="lab-conflict" data-testid="lab-conflict" data-block={conflict.block}>
      <p className="lab-conflict-title">{capitalized(name)} has {conflict.versions.length} versions</p>
      <div className="lab-versions">
        {conflict.versions.map(version => (
          <div key={`${version.leader}-${version.event ?? "resolved"}`} className="lab-version" style={{ borderTopColor: colors[version.leader] }}>
            <span className="lab-version-leader">{version.leader}{version.vector && <span className="lab-vector"> {formatVector(version.vector)}</span>}</span>
            <p className={version.deleted ? "lab-version-text lab-version-deleted" : "lab-version-text"}>{version.deleted ? "Deleted the block" : version.text || "(empty)"}</p>
            <button type="button" className="button lab-pick" data-testid="lab-pick" data-leader={version.leader} disabled={!resolver}
              aria-label={`Keep ${version.leader}'s version`} title={`Keep ${version.leader}'s version everywhere`}
              onClick={() => onResolve(version.deleted ? null : version.text, version.leader)}>
              Keep
            </button>
          </div>
        ))}
      </div>
      <form className="lab-merge" onSubmit={e => {
        e.preventDefault()
        if (resolver) onResolve(merge, null)
      }}>
        <label className="visually-hidden" htmlFor={`merge-${conflict.block}`}>Merged text for {name}</label>
        <input id={`merge-${conflict.block}`} type="text" value={merge} onChange={e => setMerge(e.target.value)} data-testid="lab-merge-text"
          disabled={!resolver} placeholder="Or type a merge" />
        <button type="submit" className="button" data-testid="lab-merge" disabled={!resolver}>Use merge</button>
      </form>
      {!resolver && <p className="lab-hint">Heal the network: the versions have not met on any copy yet.</p>}
    </li>
  )
}
