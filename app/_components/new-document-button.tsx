"use client"

import { useState } from "react"
import { useRouter } from "next/navigation"
import { randomId } from "@/lib/client/random-id"

const strategies = [
  { value: "ot", label: "Merge every edit (OT)" },
  { value: "lww", label: "Last writer wins, per paragraph" },
  { value: "lww-doc", label: "Last writer wins, whole document" },
  { value: "vv", label: "Version vectors: keep both, you pick" },
  { value: "crdt", label: "CRDT (Yjs)" }
] as const

/**
 * Starts a document under a fresh unguessable id and the chosen conflict strategy; the editor page
 * creates it on first join.
 */
export function NewDocumentButton() {
  const router = useRouter()
  const [strategy, setStrategy] = useState<string>("ot")
  const query = strategy == "ot" ? "?new=1" : `?new=1&strategy=${strategy}`
  return (
    <div className="new-document">
      <button type="button" className="button button-primary button-large" data-testid="new-document"
        onClick={() => router.push(`/d/${randomId()}${query}`)}>
        <span aria-hidden="true" className="button-plus">+</span> New document
      </button>
      <label className="new-document-strategy">
        <span className="visually-hidden">Conflict strategy</span>
        <select data-testid="new-document-strategy" value={strategy} onChange={e => setStrategy(e.target.value)}>
          {strategies.map(s => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </label>
    </div>
  )
}
