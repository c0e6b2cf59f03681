import type { Batch, SyncClient } from "../ot/sync-client"
import { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import type { Reply, SubmitRequest, SubmitResult } from "../protocol/messages"
import type { Backoff } from "./backoff"
import type { EditLossReports } from "./edit-loss-reports"
import { toError } from "./hub-connection"

/** How long an acknowledged batch waits for the op that confirms it before the client catches up, in ms. */
const confirmWait = 5_000

/** What a BatchSubmitter needs of the connection it sends through. */
export interface SubmitChannel {
  /** The sync client whose batches go out; null until the document has loaded. */
  sync(): SyncClient | null
  /** Whether batches may go out now: joined, with a link that may edit. */
  canSend(): boolean
  /** The connection's session, bumped by every join and dropped socket: a reply to an older one is ignored. */
  session(): number
  /** Send a submit; resolves with the hub's reply, rejects when none came in time. */
  send(request: SubmitRequest): Promise<Reply<SubmitResult>>
  /** Whether batch `seq` may go out: the device (if the connection keeps one) holds the work with it in flight. */
  recorded(seq: number): boolean
  /** Have the device write the work now; resolves once written or failed. */
  record(): Promise<void>
  /** The hub did not answer: drop the socket and connect again. */
  restartSocket(): void
  /** Join again, to catch up or to have the batch in flight renumbered. */
  rejoin(): void
  /** The hub refused the local edits for good: start over from its document. */
  reloadAfter(error: ConcordError): void
}

/**
 * The sending side of a DocConnection: sends the sync client's batch in flight once per session (after
 * a new join it goes again, unchanged, so the hub applies it exactly once), else its next batch; waits
 * for the op that confirms an acknowledged batch and catches up when it does not come; and settles what
 * a refusal means: send again after a while (the hub's budget, a batch still in flight), catch up first
 * (too old to transform, a seq gap), retry after telling the user (the hub failed), or start over from
 * the hub's document (refused for good).
 */
export class BatchSubmitter {
  /** The seq of the batch sent in this session and not refused yet. */
  private sentSeq: number | null = null
  /** A batch waits for the device to record it as in flight. */
  private recording = false
  private confirmTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly docId: string,
    private readonly clientId: string,
    private readonly channel: SubmitChannel,
    private readonly backoff: Backoff,
    private readonly reports: EditLossReports
  ) {}

  /** Send the batch in flight if this session has not sent it yet, else the next batch, if there is one. */
  flush(): void {
    const sync = this.channel.sync()
    if (!sync || !this.channel.canSend() || this.backoff.waiting) return
    const inflight = sync.inflightBatch
    if (inflight) {
      if (this.sentSeq != inflight.seq) this.submitRecorded(inflight)
      return
    }
    const next = sync.nextBatch()
    if (next) this.submitRecorded(next)
  }

  /**
   * Send `batch` once the device holds it as in flight (write-ahead): a page that reloads between the
   * send and the device's write would otherwise find the batch's steps still unsent there and send them
   * again as a new batch, which the hub would commit twice.
   */
  private submitRecorded(batch: Batch): void {
    if (this.channel.recorded(batch.seq)) return void this.submit(batch)
    if (this.recording) return
    this.recording = true
    void this.channel.record().finally(() => {
      this.recording = false
      this.flush()
    })
  }

  /** A join started or the socket dropped: nothing sent before counts as in flight any more; the join's reply says what committed. */
  newSession(): void {
    this.sentSeq = null
  }

  /** Stop for good (the connection closed or lost its link): no confirmation is awaited. */
  stop(): void {
    if (this.confirmTimer) clearTimeout(this.confirmTimer)
    this.confirmTimer = null
    this.sentSeq = null
  }

  private async submit(batch: Batch): Promise<void> {
    const session = this.channel.session()
    const request = { docId: this.docId, clientId: this.clientId, ...batch }
    if (new TextEncoder().encode(JSON.stringify(request)).length > limits.maxMessageBytes)
      return this.channel.reloadAfter(new ConcordError("ERR_MESSAGE_TOO_LARGE", "the change is too large to send"))
    this.sentSeq = batch.seq
    let reply
    try {
      reply = await this.channel.send(request)
    } catch {
      if (session == this.channel.session()) this.channel.restartSocket()
      return
    }
    if (session != this.channel.session()) return
    if (reply.ok) this.submitted(batch, reply.value)
    else this.submitFailed(toError(reply.error))
  }

  /** The batch is committed; its op confirms it when it arrives, and a client that misses the op catches up. */
  private submitted(batch: Batch, result: SubmitResult): void {
    this.backoff.reset()
    if (this.channel.sync()?.inflightBatch?.seq != batch.seq) return
    if (this.confirmTimer) clearTimeout(this.confirmTimer)
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = null
      const sync = this.channel.sync()
      if (sync && sync.inflightBatch?.seq == batch.seq && sync.version < result.version) this.channel.rejoin()
    }, confirmWait)
  }

  private submitFailed(error: ConcordError): void {
    this.sentSeq = null
    switch (error.code) {
      case "ERR_SEQ_IN_FLIGHT":
      case "ERR_RATE_LIMITED":
        return this.backoff.schedule(() => this.flush(), error.retryAfterMs)
      case "ERR_VERSION_TOO_OLD":
        // Too far behind for the hub to transform: catch up, rebase here, and send again on the new base.
        this.reports.droppedLocally(this.channel.sync()?.requeue() ?? [])
        return this.channel.rejoin()
      case "ERR_SEQ_GAP":
        // The join's answer renumbers the batch in flight.
        return this.channel.rejoin()
      case "ERR_NOT_JOINED":
      case "ERR_UNKNOWN_DOCUMENT":
      case "ERR_VERSION_FROM_FUTURE":
        return this.channel.rejoin()
    }
    if (error.kind == "internal") {
      this.reports.saveFailed(error)
      this.backoff.schedule(() => this.channel.rejoin())
    } else this.channel.reloadAfter(error)
  }
}
