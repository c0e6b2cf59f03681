/** The PostgreSQL channel a commit notifies, inside its transaction, with its document and new head. */
export const commitsChannel = "concord_commits"

/** The channel hubs tell one another about presence on. */
export const presenceChannel = "concord_presence"

/** What a commit of `docId` up to `version` notifies on commitsChannel. */
export function commitNotice(docId: string, version: number): string {
  return JSON.stringify({ docId, version })
}
