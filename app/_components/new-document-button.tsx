"use client"

import { useState } from "react"
import { useRouter } from "next/navigation"
import { createDocument } from "@/lib/client/create-document"
import { documentLink } from "@/lib/client/document-link"
import { rememberDocument } from "@/lib/client/recent-documents"
import { storeLinks } from "@/lib/client/stored-links"
import { ConcordError } from "@/lib/protocol/errors"
import type { StrategyName } from "@/lib/protocol/messages"
import { hubStrategies } from "@/lib/protocol/strategies"
import { modes } from "@/lib/strategies/registry"

const strategies: readonly { value: StrategyName; label: string }[] = hubStrategies.map(value => ({ value, label: modes[value].label }))

/**
 * Creates a document on the hub under the chosen conflict strategy, keeps its three links in this
 * browser, and opens it with the owner link.
 */
export function NewDocumentButton() {
  const router = useRouter()
  const [strategy, setStrategy] = useState<StrategyName>(hubStrategies[0])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const start = async () => {
    setBusy(true)
    setError(null)
    try {
      const created = await createDocument({ strategy })
      storeLinks(created.docId, created.links)
      rememberDocument(created.docId, { strategy: created.strategy, created: true })
      router.push(documentLink(created.docId, created.links.owner))
    } catch (caught) {
      setError(`The document could not be created: ${ConcordError.from(caught).message}`)
      setBusy(false)
    }
  }
  return (
    <div className="new-document">
      <button type="button" className="button button-primary button-large" data-testid="new-document" disabled={busy} onClick={() => void start()}>
        <span aria-hidden="true" className="button-plus">+</span> {busy ? "Creating…" : "New document"}
      </button>
      <label className="new-document-strategy">
        <span className="visually-hidden">Conflict strategy</span>
        <select data-testid="new-document-strategy" value={strategy} onChange={e => setStrategy(e.target.value as StrategyName)}>
          {strategies.map(s => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </label>
      {error && <p className="new-document-error" role="alert">{error}</p>}
    </div>
  )
}
