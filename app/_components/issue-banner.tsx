import type { ConnectionIssue } from "@/lib/client/doc-connection"

/** The connection's latest problem, until the user dismisses it. */
export function IssueBanner({ issue, onDismiss }: { issue: ConnectionIssue; onDismiss: () => void }) {
  return (
    <div className={issue.lost ? "issue issue-loss" : "issue"} role="alert" data-testid="connection-issue">
      <span className="issue-text">{issue.message}</span>
      <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">×</button>
    </div>
  )
}
