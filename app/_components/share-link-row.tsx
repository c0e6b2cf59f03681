"use client"

import { useEffect, useRef, useState } from "react"
import { copyText } from "./copy-text"

const describe = {
  edit: { title: "Edit link", what: "Anyone with it can read and change the document." },
  view: { title: "View link", what: "Anyone with it can read the document and follow changes, not edit." }
} as const

const confirmations = {
  reissue: { question: "Make a new link? Everyone using the current one loses access at once.", act: "Make new link" },
  revoke: { question: "Revoke this link? Everyone using it loses access at once.", act: "Revoke link" }
} as const

/**
 * One role's link in the Share panel: the address with Copy, or a note that this browser holds none
 * (or that the owner just revoked it).
 * `manage`, given to the owner only, replaces or revokes it after a confirmation in place.
 */
export function ShareLinkRow({ role, link, revoked, manage }: {
  role: "edit" | "view"
  link: string | null
  /** The owner revoked this role's links from this panel: there is none. */
  revoked: boolean
  manage: ((action: "reissue" | "revoke") => Promise<void>) | null
}) {
  const [copied, setCopied] = useState(false)
  const [confirming, setConfirming] = useState<"reissue" | "revoke" | null>(null)
  const [busy, setBusy] = useState(false)
  // The focus follows the confirmation: into it when it opens, back to the row's first action when it closes.
  const cancel = useRef<HTMLButtonElement>(null)
  const reissue = useRef<HTMLButtonElement>(null)
  const asked = useRef(false)
  useEffect(() => {
    if (confirming) cancel.current?.focus()
    else if (asked.current) reissue.current?.focus()
    asked.current = confirming != null
  }, [confirming])
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])
  const copy = async () => {
    if (!link) return
    if (await copyText(link)) setCopied(true)
    else window.prompt("Copy this link", link)
  }
  const act = async (action: "reissue" | "revoke") => {
    if (!manage) return
    setBusy(true)
    await manage(action)
    setBusy(false)
    setConfirming(null)
  }
  const { title, what } = describe[role]
  return (
    <section className="share-row" data-testid={`share-${role}`} aria-label={title}>
      <div className="share-row-head">
        <h3 className="share-row-title">{title}</h3>
        {manage && !confirming && (
          <span className="share-row-actions">
            <button ref={reissue} type="button" className="button button-quiet button-small" data-testid={`share-${role}-reissue`}
              onClick={() => setConfirming("reissue")} disabled={busy}>
              New link
            </button>
            <button type="button" className="button button-quiet button-small button-danger" data-testid={`share-${role}-revoke`}
              onClick={() => setConfirming("revoke")} disabled={busy}>
              Revoke
            </button>
          </span>
        )}
      </div>
      <p className="share-row-what">{what}</p>
      {link ? (
        <div className="share-link">
          <input className="share-link-url" data-testid={`share-${role}-url`} readOnly value={link} aria-label={title}
            onFocus={event => event.target.select()} />
          <button type="button" className="button button-small" data-testid={`share-${role}-copy`} onClick={copy} aria-live="polite">
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      ) : (
        <p className="share-row-none" data-testid={`share-${role}-none`}>
          {revoked
            ? `Revoked: nobody can open the document with ${role == "edit" ? "an" : "a"} ${role} link until you make a new one.`
            : `This browser holds no ${role} link: it was revoked, or made in another browser. A new link replaces any old one.`}
        </p>
      )}
      {confirming && (
        <div className="share-confirm" role="alertdialog" aria-label={confirmations[confirming].act}>
          <p>{confirmations[confirming].question}</p>
          <span className="share-row-actions">
            <button type="button" className={confirming == "revoke" ? "button button-small button-danger-solid" : "button button-small button-primary"}
              data-testid={`share-${role}-confirm`} disabled={busy} onClick={() => void act(confirming)}>
              {confirmations[confirming].act}
            </button>
            <button ref={cancel} type="button" className="button button-quiet button-small" disabled={busy} onClick={() => setConfirming(null)}>Cancel</button>
          </span>
        </div>
      )}
    </section>
  )
}
