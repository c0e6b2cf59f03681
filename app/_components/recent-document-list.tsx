"use client"

import Link from "next/link"
import { useEffect, useState } from "react"
import { forgetDocument, listRecentDocuments, type RecentDocument } from "@/lib/client/recent-documents"

const units: [Intl.RelativeTimeFormatUnit, number][] = [["year", 31_536_000], ["month", 2_592_000], ["week", 604_800], ["day", 86_400], ["hour", 3_600], ["minute", 60]]

function openedAgo(time: number): string {
  const seconds = Math.round((time - Date.now()) / 1000)
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" })
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  return "just now"
}

/** The documents this browser opened, from localStorage, most recent first. */
export function RecentDocumentList() {
  const [documents, setDocuments] = useState<RecentDocument[] | null>(null)
  useEffect(() => setDocuments(listRecentDocuments()), [])
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
              <time className="recent-time" dateTime={new Date(doc.openedAt).toISOString()}>Opened {openedAgo(doc.openedAt)}</time>
            </span>
          </Link>
          <button type="button" className="icon-button recent-remove" title="Remove from this list" aria-label={`Remove ${doc.title || "Untitled document"} from this list`}
            onClick={() => {
              forgetDocument(doc.id)
              setDocuments(listRecentDocuments())
            }}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}
