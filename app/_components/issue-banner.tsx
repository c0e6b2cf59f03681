import type { ConnectionIssue } from "@/lib/client/connection-status"

/**
 * The connection's latest problem, until the user dismisses it. Edits that could not be kept come
 * with their text, offered back: insert it again at the caret as a new edit, or copy it.
 */
export function IssueBanner({ issue, onDismiss, onInsert }: { issue: ConnectionIssue; onDismiss: () => void; onInsert?: (text: string) => void }) {
  return (
    <div className={issue.lost ? "issue issue-loss" : "issue"} role="alert" data-testid="connection-issue">
      <span className="issue-text">{issue.message}</span>
      {issue.text && (
        <div className="issue-offer">
          <pre className="issue-offer-text" data-testid="offered-text">{issue.text}</pre>
          {onInsert && <button type="button" className="button" data-testid="insert-again" onClick={() => onInsert(issue.text!)}>Insert again</button>}
          <button type="button" className="button button-quiet" onClick={() => void navigator.clipboard?.writeText(issue.text!)}>Copy</button>
        </div>
      )}
      <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">×</button>
    </div>
  )
}
