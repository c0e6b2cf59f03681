"use client"

import Link from "next/link"
import { useEffect, useState } from "react"
import { listRecentDocuments, type RecentDocument } from "@/lib/client/recent-documents"
import { documentsOnDevice } from "@/lib/client/device-opening"
import { removeDocument } from "./remove-document"
import { timeAgo } from "./time-ago"


/**
 * The documents this browser opened, from localStorage, most recent first, with the edits each keeps
 * only on this device. Removing one removes it from this device too, after asking when that loses edits.
 */
export function RecentDocumentList() {
  const [documents, setDocuments] = useState<RecentDocument[] | null>(null)
  const [unsent, setUnsent] = useState<ReadonlyMap<string, number>>(new Map())
  useEffect(() => {
    setDocuments(listRecentDocuments())
    void documentsOnDevice().then(stored => setUnsent(new Map(stored.map(d => [d.docId, d.unsent]))), () => {})
  }, [])
  if (!documents) return null
  if (!documents.length) return <p className="recent-empty">Documents you open will be listed here.</p>
  return (
    <ul className="recent-list" data-testid="recent-documents">
      {documents.map(doc => (
        <li key={doc.id} className="recent-item">
          <Link href={`/d/${doc.id}`} className="recent-link">
            <span className="recent-icon" aria-hidden="true" />
            <span className="recent-text">
              <span className={doc.title ? "recent-title" : "recent-title recent-untitled"}>{doc.title || "Untitled document"}</span>
              <time className="recent-time" dateTime={new Date(doc.openedAt).toISOString()}>Opened {timeAgo(doc.openedAt)}</time>
              {!!unsent.get(doc.id) && <span className="recent-unsent" data-testid="recent-unsent">{unsent.get(doc.id)} edits only on this device</span>}
            </span>
          </Link>
          <button type="button" className="icon-button recent-remove" title="Remove from this device" aria-label={`Remove ${doc.title || "Untitled document"} from this device`}
            onClick={() => {
              const { confirmed, removed } = removeDocument(doc.id, unsent.get(doc.id) ?? 0)
              if (!confirmed) return
              setDocuments(listRecentDocuments())
              void removed.then(() => setUnsent(previous => new Map([...previous].filter(([id]) => id != doc.id))))
            }}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
