"use client"

import Link from "next/link"
import { timeAgo } from "./time-ago"
import { useDeviceDocuments } from "./use-device-documents"

/** How many documents the home page lists; the documents page lists them all. */
const homeListed = 30

/**
 * The documents this browser opened, from localStorage, the most recent first, with the edits each keeps
 * only on this device. Removing one removes it from this device too, after asking when that loses edits.
 */
export function RecentDocumentList() {
  const { documents, unsent, remove } = useDeviceDocuments()
  if (!documents) return null
  if (!documents.length) return <p className="recent-empty">Documents you open will be listed here.</p>
  return (
    <ul className="recent-list" data-testid="recent-documents">
      {documents.slice(0, homeListed).map(doc => (
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
            onClick={() => remove(doc.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
