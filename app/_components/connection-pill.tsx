import type { ConnectionStatus } from "@/lib/client/connection-status"

const looks: Record<ConnectionStatus, "online" | "reconnecting" | "offline" | "connecting"> = {
  online: "online",
  reconnecting: "reconnecting",
  offline: "offline",
  connecting: "connecting",
  denied: "offline",
  revoked: "offline",
  error: "offline"
}

/**
 * The connection's state as a coloured pill ("no access" once the link is refused or revoked, "offline"
 * while it tries to connect from a device without a network), with how many local edits the hub has
 * not acknowledged and how many of those are stored on this device; `readOnly` pages, which write
 * nothing, leave out "All changes saved".
 */
export function ConnectionPill({ status, unacked, stored = 0, readOnly = false, deviceOnline = true }: {
  status: ConnectionStatus
  unacked: number
  stored?: number
  readOnly?: boolean
  /** False while the device has no network (useDeviceOnline). */
  deviceOnline?: boolean
}) {
  const look = !deviceOnline && (status == "connecting" || status == "reconnecting") ? "offline" : looks[status]
  const label = status == "denied" || status == "revoked" ? "no access" : look
  return (
    <div className={`status status-${look}`} title={look == "offline" && status != "offline" ? "No network: edits stay on this device and are sent once it is back" : undefined}>
      {/* Only the connection is announced: the counts change with every keystroke. */}
      <span className="status-pill" role="status" aria-live="polite">
        <span className="status-dot" aria-hidden="true" />
        <span data-testid="connection-status">{label}</span>
      </span>
      <span className="status-unacked" title="Edits the server has not confirmed yet">
        <span data-testid="unacked-count" className={unacked ? undefined : "visually-hidden"} aria-hidden={unacked == 0}>{unacked}</span>
        {unacked ? " unsaved" : !readOnly && <span className="status-saved">All changes saved</span>}
      </span>
      {stored > 0 && (
        <span className="status-stored" data-testid="stored-count" data-count={stored}
          title="Edits kept in this browser until the server has them: they survive a reload or a closed tab">
          · {stored} on this device
        </span>
      )}
    </div>
  )
}
