"use client"

import Link from "next/link"
import { useMemo, useState } from "react"
import type { RecentDocument } from "@/lib/client/recent-documents"
import { fetchSummaries } from "@/lib/client/document-summaries"
import { documentLink } from "@/lib/client/document-link"
import { rolesByReach, storedLinks, type StoredLinks } from "@/lib/client/stored-links"
import type { Role } from "@/lib/protocol/messages"
import { ConcordError } from "@/lib/protocol/errors"
import type { DocumentSummary } from "@/lib/protocol/messages"
import { modeOf } from "@/lib/strategies/registry"
import { copyText } from "./copy-text"
import { timeAgo } from "./time-ago"
import { useDeviceDocuments } from "./use-device-documents"

/** The most capable link token this browser holds for document `docId`, or null. */
function heldToken(docId: string): string | null {
  const links = storedLinks(docId)
  for (const role of rolesByReach) if (links[role]) return links[role]!
  return null
}

/** The roles whose link Copy link gives, in the order it looks for one: the owner's only when it is all this browser holds. */
const sharedRoles: readonly Role[] = ["edit", "view", "owner"]

/**
 * The link Copy link gives for document `docId`, and the button's words: the one to share (edit, else
 * view), never the owner's while another is held, since the owner link can replace and revoke every
 * link; the bare address (which asks for a link) when none is held.
 */
function sharedLink(docId: string, links: StoredLinks): { words: string; address: string } {
  const role = sharedRoles.find(r => links[r])
  return role
    ? { words: `Copy ${role} link`, address: documentLink(docId, links[role]!, location.origin) }
    : { words: "Copy link", address: `${location.origin}/d/${docId}` }
}

/** Copy link for one document of the list; says "Copied" while `copied`. */
function CopyLinkButton({ docId, links, title, copied, onCopied }: { docId: string; links: StoredLinks; title: string; copied: boolean; onCopied: (ok: boolean) => void }) {
  const { words, address } = sharedLink(docId, links)
  return (
    <button type="button" className="button button-quiet documents-copy" data-testid="documents-copy"
      onClick={() => void copyText(address).then(onCopied)}>
      {copied ? "Copied" : words}<span className="visually-hidden"> of {title || "Untitled document"}</span>
    </button>
  )
}

/**
 * The documents page's list: every document this browser opened or created, with what the hub says of
 * each (title, strategy, last edit and by whom), asked for with the link tokens this browser holds; a
 * search by title; and per document open, copy link and remove from this device.
 */
export function DocumentList() {
  const [summaries, setSummaries] = useState<ReadonlyMap<string, DocumentSummary>>(new Map())
  const [problem, setProblem] = useState<string | null>(null)
  const [query, setQuery] = useState("")
  const [copied, setCopied] = useState<string | null>(null)
  const { documents, unsent, remove } = useDeviceDocuments((listed: RecentDocument[]) => {
    const asked = listed.flatMap(doc => {
      const token = heldToken(doc.id)
      return token ? [{ docId: doc.id, token }] : []
    })
    fetchSummaries(asked).then(
      found => setSummaries(new Map(found.map(s => [s.docId, s]))),
      error => setProblem(`The server could not say what changed: ${ConcordError.from(error).message}`)
    )
  })

  const rows = useMemo(() => (documents ?? []).map(doc => {
    const summary = summaries.get(doc.id)
    const known = summary?.found ? summary : null
    // The links this browser holds, read as the rows are made rather than at every render (a search keystroke).
    return { doc, summary, title: known?.title || doc.title, strategy: known?.strategy ?? doc.strategy, links: storedLinks(doc.id) }
  }), [documents, summaries])
  const words = query.trim().toLowerCase()
  const shown = words ? rows.filter(row => (row.title || "Untitled document").toLowerCase().includes(words)) : rows

  if (!documents) return null
  if (!documents.length) return <p className="recent-empty">Documents you open or create will be listed here.</p>
  return (
    <>
      <label className="documents-search">
        <span className="visually-hidden">Search documents by title</span>
        <input type="search" data-testid="documents-search" placeholder="Search by title" value={query} onChange={e => setQuery(e.target.value)} />
      </label>
      {problem && <p className="documents-problem" role="status">{problem}</p>}
      {!shown.length && <p className="recent-empty">No document&apos;s title holds “{query.trim()}”.</p>}
      {!!shown.length && (
        <ul className="recent-list" data-testid="documents-list">
          {shown.map(({ doc, summary, title, strategy, links }) => (
            <li key={doc.id} className="recent-item" data-testid="documents-item" data-doc-id={doc.id}>
              <Link href={`/d/${doc.id}`} className="recent-link" data-testid="documents-open">
                <span className="recent-icon" aria-hidden="true" />
                <span className="recent-text">
                  <span className={title ? "recent-title" : "recent-title recent-untitled"} data-testid="documents-title">{title || "Untitled document"}</span>
                  <span className="recent-time" data-testid="documents-detail">
                    {strategy && <span className="strategy-name">{modeOf(strategy).badge}</span>}{" "}
                    {summary?.found
                      ? <>{summary.version ? "Edited" : "Created"} <time dateTime={new Date(summary.lastEdit).toISOString()}>{timeAgo(summary.lastEdit)}</time>{summary.version ? (summary.editors.length ? ` by ${summary.editors.join(", ")}` : "") : ", not edited yet"}</>
                      : summary ? (summary.error ? "The server could not read it just now" : "Not on the server, or its link no longer works") : `Opened ${timeAgo(doc.openedAt)}`}
                    {doc.created ? " · created here" : ""}
                  </span>
                  {!!unsent.get(doc.id) && <span className="recent-unsent">{unsent.get(doc.id)} edits only on this device</span>}
                </span>
              </Link>
              <CopyLinkButton docId={doc.id} links={links} title={title} copied={copied == doc.id} onCopied={ok => setCopied(ok ? doc.id : null)} />
              <button type="button" className="icon-button" data-testid="documents-remove" title="Remove from this device" aria-label={`Remove ${title || "Untitled document"} from this device`}
                onClick={() => remove(doc.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
