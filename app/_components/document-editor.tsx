"use client"

import Link from "next/link"
import { useState } from "react"
import type { EditorView } from "prosemirror-view"
import { saveIdentity } from "@/lib/client/identity"
import { AccessBadge } from "./access-badge"
import { ConnectionPill } from "./connection-pill"
import { useDeviceOnline } from "./use-device-online"
import { DocumentMenu } from "./document-menu"
import { EditorSurface } from "./editor-surface"
import { EditorToolbar } from "./editor-toolbar"
import { HistoryPanel } from "./history-panel"
import { HistoryPreview } from "./history-preview"
import { useHistoryModel, useHistoryOpen, useTravelling } from "./history-state"
import { HistoryToggle } from "./history-toggle"
import { IssueBanner } from "./issue-banner"
import { insertTextAgain } from "@/lib/editor/insert-text-again"
import { NameField } from "./name-field"
import { NeedConnection } from "./need-connection"
import { NeedLink } from "./need-link"
import { OfflineToggle } from "./offline-toggle"
import { chooseOffline } from "@/lib/client/offline-choice"
import { PresenceList } from "./presence-list"
import { RevokedNotice } from "./revoked-notice"
import { ShareButton } from "./share-button"
import { StrategyBadge } from "./strategy-badge"
import { useDocConnection } from "./use-doc-connection"
import { useDocumentTitle } from "./use-document-title"
import { TitleField } from "./title-field"
import { titleOf } from "@/lib/schema/document-title"
import { useLeaveWarning } from "./use-leave-warning"
import { WordCount } from "./word-count"

/**
 * Where the history panel opens below the editor (narrow screens) rather than beside it, bring it into
 * view once drawn: else the button seems to do nothing.
 */
function revealHistoryBelow(): void {
  // Two frames: the panel mounts once its model exists, a render after the button's.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const panel = document.querySelector("[data-testid=history-panel]")
    const editor = document.querySelector("[data-testid=editor]")
    if (panel && editor && panel.getBoundingClientRect().top >= editor.getBoundingClientRect().bottom) panel.scrollIntoView({ block: "start" })
  }))
}

/**
 * The document page's editor: toolbar, ProseMirror view, the people in the document, connection state,
 * offline switch, the Document menu (export, print, import), Share, this user's name, and the word count. On a view link the page is read-only (no toolbar, no
 * name, a "View only" badge); without a working link it says that a link is needed instead, and without
 * a copy of the document while the server cannot be reached, that a connection is needed. The body
 * is a row with the history panel next to the page; while the panel shows an older version, that
 * version takes the editor's place.
 */
export function DocumentEditor({ docId }: { docId: string }) {
  const { connection, needsLink } = useDocConnection(docId)
  const [view, setView] = useState<EditorView | null>(null)
  const status = connection?.status ?? "connecting"
  const deviceOnline = useDeviceOnline()
  const title = useDocumentTitle(docId, needsLink ? null : connection?.state?.doc ?? null, connection?.version != null ? connection.strategy : undefined)
  useLeaveWarning(connection)
  const [historyOpen, toggleHistory] = useHistoryOpen()
  const history = useHistoryModel(historyOpen && !needsLink ? connection : null)
  const travelling = useTravelling(history)
  const revoked = status == "revoked"
  // No copy of the document to show, and the hub that has it cannot be reached.
  const needsConnection = !!connection?.unreachable && !connection.state
  const readOnly = connection?.role == "view" || revoked

  return (
    <div className="doc-page">
      <header className="doc-header">
        <div className="doc-heading">
          <Link href="/documents" className="brand" title="All documents" data-testid="documents-link"><span className="brand-mark" aria-hidden="true" /><span className="brand-name">Concord</span></Link>
          {!needsLink && connection?.state
            ? <TitleField title={titleOf(connection.state.doc)} view={readOnly || travelling ? null : view} />
            : <span className="doc-title doc-untitled">Document</span>}
          {connection && !needsLink && connection.version != null && <StrategyBadge connection={connection} />}
          {connection && !needsLink && <AccessBadge connection={connection} />}
        </div>
        {connection && !needsLink && (connection.state || (connection.role && !revoked)) && (
          <div className="doc-share">
            {connection.state && <DocumentMenu connection={connection} title={title ?? ""} view={readOnly || travelling ? null : view} />}
            {connection.role && !revoked && <ShareButton connection={connection} />}
          </div>
        )}
        {!needsLink && (
          <div className="doc-actions">
            <PresenceList others={connection?.others ?? []} />
            <ConnectionPill status={status} unacked={connection?.unconfirmedCount ?? 0} stored={connection?.storedCount ?? 0} readOnly={connection?.role == "view"} deviceOnline={deviceOnline} />
            <HistoryToggle open={historyOpen} onToggle={() => {
              toggleHistory()
              if (!historyOpen) revealHistoryBelow()
            }} />
            {!revoked && (
              <OfflineToggle offline={status == "offline"}
                onToggle={() => {
                  if (!connection) return
                  const offline = connection.status != "offline"
                  chooseOffline(connection.docId, offline)
                  if (offline) connection.goOffline()
                  else connection.goOnline()
                }} />
            )}
            {connection && !readOnly && (
              <NameField user={connection.user} onChange={user => {
                saveIdentity(user)
                connection.setUser(user)
              }} />
            )}
          </div>
        )}
      </header>
      {!needsLink && !readOnly && (
        <div className="toolbar-bar">
          <EditorToolbar view={travelling ? null : view} />
        </div>
      )}
      {revoked && <RevokedNotice unsent={connection?.unconfirmedCount ?? 0} />}
      {connection?.issue && !needsLink && <IssueBanner issue={connection.issue} onDismiss={() => connection.dismissIssue()}
        onInsert={connection.writable ? text => {
          if (!connection.state) return
          connection.dispatch(insertTextAgain(connection.state, text))
          connection.dismissIssue()
        } : undefined} />}
      <div className="doc-body">
        <main className="doc-main">
          {needsLink ? (
            <NeedLink />
          ) : needsConnection ? (
            <NeedConnection />
          ) : (
            // Inert while an earlier version shows: no key, the browser's own undo included, reaches the live document unseen.
            <div className={travelling ? "page is-hidden" : readOnly ? "page is-read-only" : "page"} data-testid="editor" inert={travelling}>
              {connection?.state ? <EditorSurface connection={connection} onView={setView} frozen={travelling} /> : <p className="loading">Loading document…</p>}
            </div>
          )}
          {travelling && history && <HistoryPreview model={history} />}
          {!needsLink && connection?.state && <div className="doc-status"><WordCount doc={connection.state.doc} /></div>}
        </main>
        {history && <HistoryPanel model={history} view={view} readOnly={readOnly} />}
      </div>
    </div>
  )
}
