import type { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import type { LeanOp } from "../protocol/messages"
import type { LocalDrop } from "../ot/sync-client"
import { droppedMoot } from "../ot/transform-batch"
import type { ConnectionIssue } from "./connection-status"

/** Shows the user an issue; `lost` counts the edits it cost, `text` is what they had typed (offered back). */
export type ReportIssue = (code: ConnectionIssue["code"], message: string, lost: number, text?: string) => void

/**
 * What a DocConnection tells the user about edits of theirs that did not make it, with their text
 * where there is some: steps the hub dropped in a conflict, local steps a rebase dropped before they
 * were sent, unsent changes discarded when the document was reloaded from the hub, and a save the hub
 * failed (and that is retried).
 */
export class EditLossReports {
  constructor(private readonly clientId: string, private readonly report: ReportIssue) {}

  /**
   * This client's own ops among `ops` applied (versions after `from` up to `to`) whose steps the hub
   * dropped in a conflict, leaving out deletions of text someone else had deleted already: nothing of
   * those is lost (the history panel still lists them).
   */
  droppedByHub(ops: readonly LeanOp[], from: number, to: number): void {
    for (const op of ops) {
      if (op.version <= from || op.version > to || op.clientId != this.clientId || !op.dropped?.length) continue
      const lost = op.dropped.filter(d => !droppedMoot(d))
      if (!lost.length) continue
      const text = excerpt(lost.map(d => d.text))
      this.report("EDITS_DROPPED", `Some of your edits clashed with someone else's and could not be applied${text ? `: "${text}"` : ""}.`, lost.length)
    }
  }

  /** Local edits that no longer fit after others' changes, and that the hub never saw (nothing when there are none). */
  droppedLocally(dropped: readonly LocalDrop[]): void {
    if (!dropped.length) return
    const text = excerpt(dropped.map(d => d.text))
    this.report("EDITS_DROPPED", `Some of your edits clashed with someone else's and could not be kept${text ? `: "${text}"` : ""}.`, dropped.length)
  }

  /**
   * The local document was replaced by the hub's because of `reason`, leaving out `lost` unsent changes,
   * which had typed `text`: offered back, to insert again as a new edit.
   */
  reloaded(reason: ConcordError, lost: number, text = ""): void {
    const left = !lost ? "" : text ? ` What you had typed is below: insert it again or copy it.` : ` ${lost} unsent change${lost == 1 ? " was" : "s were"} discarded.`
    this.report(reason.code, `Your latest changes could not be saved (${reason.message}). The document was reloaded.${left}`, lost, text || undefined)
  }

  /** A change holding a step of `bytes` was refused before it applied: no message to the hub could carry it. */
  tooLarge(bytes: number): void {
    const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`
    this.report("ERR_MESSAGE_TOO_LARGE", `That change is too large to send at once (${mb(bytes)}; one change may hold ${mb(limits.maxMessageBytes)}), so nothing was changed. ` +
      "Paste or import it in smaller parts; to bring back much of the document, restore an earlier version from History.", 0)
  }

  /** The hub failed to save the batch in flight: it goes again after a while. */
  saveFailed(error: ConcordError): void {
    this.report(error.code, `The server could not save your latest changes (${error.message}). Retrying…`, 0)
  }
}

function excerpt(texts: readonly string[]): string {
  return texts.filter(Boolean).join(" ").slice(0, 120)
}
