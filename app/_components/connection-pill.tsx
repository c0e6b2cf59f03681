import type { ConnectionStatus } from "@/lib/client/doc-connection"

const labels: Record<ConnectionStatus, "online" | "reconnecting" | "offline" | "connecting"> = {
  online: "online",
  reconnecting: "reconnecting",
  offline: "offline",
  connecting: "connecting",
  denied: "offline",
  revoked: "offline",
  error: "offline"
}

/** The connection's state as a coloured pill, with how many local edits the hub has not acknowledged. */
export function ConnectionPill({ status, unacked }: { status: ConnectionStatus; unacked: number }) {
  const label = labels[status]
  return (
    <div className={`status status-${label}`} role="status" aria-live="polite">
      <span className="status-pill">
        <span className="status-dot" aria-hidden="true" />
        <span data-testid="connection-status">{label}</span>
      </span>
      <span className="status-unacked" title="Edits the server has not confirmed yet">
        <span data-testid="unacked-count" className={unacked ? undefined : "visually-hidden"} aria-hidden={unacked == 0}>{unacked}</span>
        {unacked ? " unsaved" : <span className="status-saved">All changes saved</span>}
      </span>
    </div>
  )
}
