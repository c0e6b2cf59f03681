"use client"

import type { StrategyName } from "@/lib/protocol/messages"
import Link from "next/link"
import { useEffect, useState } from "react"
import type { EditorView } from "prosemirror-view"
import { saveIdentity } from "@/lib/client/identity"
import { DocConnection } from "@/lib/client/doc-connection"
import { ConnectionPill } from "./connection-pill"
import { EditorSurface } from "./editor-surface"
import { EditorToolbar } from "./editor-toolbar"
import { HistoryPanel } from "./history-panel"
import { HistoryPreview } from "./history-preview"
import { useHistoryModel, useHistoryOpen, useTravelling } from "./history-state"
import { HistoryToggle } from "./history-toggle"
import { IssueBanner } from "./issue-banner"
import { MissingDocument } from "./missing-document"
import { NameField } from "./name-field"
import { OfflineToggle } from "./offline-toggle"
import { PresenceList } from "./presence-list"
import { ShareButton } from "./share-button"
import { StrategyBadge } from "./strategy-badge"
import { useDocConnection } from "./use-doc-connection"
import { useDocumentTitle } from "./use-document-title"
import { useLeaveWarning } from "./use-leave-warning"

/**
 * The document page's editor: toolbar, ProseMirror view, the people in the document, connection state,
 * offline switch, share link and this user's name. `create` makes the first join create the document.
 * The body is a row with the history panel next to the page; while the panel shows an older version,
 * that version takes the editor's place.
 */
export function DocumentEditor({ docId, create, strategy }: { docId: string; create: boolean; strategy?: StrategyName }) {
  const connection = useDocConnection(docId, create, strategy)
  const [view, setView] = useState<EditorView | null>(null)
  const status = connection?.status ?? "connecting"
  const title = useDocumentTitle(docId, connection?.state?.doc ?? null)
  useLeaveWarning(connection)
  const [historyOpen, toggleHistory] = useHistoryOpen()
  // The history panel reads ProseMirror ops: CRDT documents have none to show.
  const history = useHistoryModel(historyOpen && status != "not-found" && connection instanceof DocConnection ? connection : null)
  const travelling = useTravelling(history)

  // Once the document exists, drop ?new=1 so that reloading or sharing the address does not carry it.
  useEffect(() => {
    if (status == "online" && window.location.search) window.history.replaceState(null, "", `/d/${docId}`)
  }, [status, docId])

  const missing = status == "not-found"
  return (
    <div className="doc-page">
      <header className="doc-header">
        <div className="doc-heading">
          <Link href="/" className="brand" title="All documents"><span className="brand-mark" aria-hidden="true" /><span className="brand-name">Concord</span></Link>
          <span className={title ? "doc-title" : "doc-title doc-untitled"}>{missing ? "New document" : title || "Untitled document"}</span>
          {connection && connection.version != null && <StrategyBadge connection={connection} />}
        </div>
        <div className="doc-actions">
          {!missing && (
            <>
              <PresenceList others={connection?.others ?? []} />
              <ConnectionPill status={status} unacked={connection?.unconfirmedCount ?? 0} />
              {connection?.strategy != "crdt" && <HistoryToggle open={historyOpen} onToggle={toggleHistory} />}
              <OfflineToggle offline={status == "offline"}
                onToggle={() => (connection?.status == "offline" ? connection.goOnline() : connection?.goOffline())} />
            </>
          )}
          {connection && (
            <NameField user={connection.user} onChange={user => {
              saveIdentity(user)
              connection.setUser(user)
            }} />
          )}
        </div>
        {!missing && (
          <div className="doc-share">
            <ShareButton docId={docId} />
          </div>
        )}
      </header>
      {!missing && (
        <div className="toolbar-bar">
          <EditorToolbar view={travelling ? null : view} />
        </div>
      )}
      {connection?.issue && <IssueBanner issue={connection.issue} onDismiss={() => connection.dismissIssue()} />}
      <div className="doc-body">
        <main className="doc-main">
          {missing ? (
            <MissingDocument onCreate={() => connection?.createDocument()} />
          ) : (
            <div className={travelling ? "page is-hidden" : "page"} data-testid="editor">
              {connection?.state ? <EditorSurface connection={connection} onView={setView} /> : <p className="loading">Loading document…</p>}
            </div>
          )}
          {travelling && history && <HistoryPreview model={history} />}
        </main>
        {history && <HistoryPanel model={history} view={view} />}
      </div>
    </div>
  )
}
