"use client"

import { useState } from "react"
import { documentLink } from "@/lib/client/document-link"
import { storedLinks, storeLinks, type StoredLinks } from "@/lib/client/stored-links"
import { ConcordError } from "@/lib/protocol/errors"
import type { Role } from "@/lib/protocol/messages"
import { ShareLinkRow } from "./share-link-row"
import type { PageConnection } from "./use-doc-connection"

/** The links a tab can hand out: the one it joined with, and the others this browser holds. */
function linksOf(connection: PageConnection): StoredLinks {
  const links = storedLinks(connection.docId)
  if (connection.role && !links[connection.role]) links[connection.role] = connection.token
  return links
}

/**
 * The Share panel: the edit link and the view link this browser holds, each to copy. The owner also
 * replaces ("New link") or revokes each role's link, which ends the access of everyone using the old one.
 */
export function SharePanel({ connection }: { connection: PageConnection }) {
  const [links, setLinks] = useState(() => linksOf(connection))
  const [error, setError] = useState<string | null>(null)
  const [revoked, setRevoked] = useState<ReadonlySet<Role>>(new Set())
  const owner = connection.role == "owner"
  const manage = async (role: Role, action: "reissue" | "revoke") => {
    setError(null)
    try {
      const token = await connection.manageLinks(role, action)
      storeLinks(connection.docId, { [role]: token })
      setLinks(linksOf(connection))
      setRevoked(was => new Set([...was].filter(r => r != role).concat(action == "revoke" ? [role] : [])))
    } catch (caught) {
      setError(`The link could not be changed: ${ConcordError.from(caught).message}`)
    }
  }
  const roles = (["edit", "view"] as const).filter(role => owner || links[role])
  return (
    <div className="share-panel" role="dialog" aria-label="Share this document" data-testid="share-panel">
      <h2 className="share-title">Share this document</h2>
      {roles.map(role => {
        const token = links[role]
        return (
          <ShareLinkRow key={role} role={role} link={token ? documentLink(connection.docId, token, window.location.origin) : null} revoked={revoked.has(role)}
            manage={owner ? action => manage(role, action) : null} />
        )
      })}
      {error && <p className="share-error" role="alert">{error}</p>}
      <p className="share-note">
        {owner
          ? "You own this document. Your owner link stays in this browser; keep it to manage these links."
          : "Only the document's owner can replace or revoke links."}
      </p>
    </div>
  )
}
