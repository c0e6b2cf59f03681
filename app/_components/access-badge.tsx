import type { PageConnection } from "./use-doc-connection"

/** "View only" on a view link's page, "Link revoked" once the tab's link stopped working; nothing otherwise. */
export function AccessBadge({ connection }: { connection: PageConnection }) {
  const label = connection.status == "revoked" ? "Link revoked" : connection.role == "view" ? "View only" : null
  if (!label) return null
  return (
    <span className={connection.status == "revoked" ? "access-badge is-revoked" : "access-badge"} data-testid="access-badge"
      title={connection.status == "revoked" ? "The owner revoked the link this tab used" : "You can read this document and follow changes, not edit it"}>
      {label}
    </span>
  )
}
