import type { EditorState, Transaction } from "prosemirror-state"
import { Authorship } from "../history/authorship"
import { fetchedVersion } from "../history/fetched-version"
import type { HistorySource } from "../history/history-source"
import { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import type { Author, AuthorshipSpans, CommittedOp, DocAtReply, HistoryPage } from "../protocol/messages"
import { UpdateReplay } from "../strategies/crdt/update-replay"

/**
 * What a CrdtHistorySource reads of a CRDT document's connection: a history source's view of it, less
 * what the source works out itself from the ops (authorship, positions), plus the document's id. Its
 * ops carry Yjs updates, no steps; its version is the newest the connection caught up with, by ops or
 * by a join's Yjs state.
 */
export type CrdtHistoryHost = Omit<HistorySource, "fetchAuthorship" | "mapConfirmed"> & { readonly docId: string }

/** Ops replayed between two turns of the event loop, so that a long replay does not freeze the page. */
const replaySlice = 50

/**
 * The history of a CRDT document for the history panel: the hub's ops, whose Yjs updates say nothing a
 * person can read, replayed in order from the first (UpdateReplay) into ops with steps and summaries,
 * so that the HistoryModel shows, travels, highlights and restores them as it does step-based ops.
 * The replay runs once, forward, as far as the newest version asked for; every op it described is kept.
 * Who wrote what is counted here over those steps, since the hub has none to count over.
 */
export class CrdtHistorySource implements HistorySource {
  private readonly replay = new UpdateReplay()
  /** The described ops, by version - 1. */
  private readonly described: CommittedOp[] = []
  private queue: Promise<unknown> = Promise.resolve()
  /** The newest version handed to the model, by a page or live; null before either. */
  private handedOn: number | null = null

  constructor(private readonly host: CrdtHistoryHost) {}

  get user(): Author {
    return this.host.user
  }

  get clientId(): string {
    return this.host.clientId
  }

  get version(): number | null {
    return this.host.version
  }

  get state(): EditorState | null {
    return this.host.state
  }

  get status(): string {
    return this.host.status
  }

  /** Call `listener` on every change of the connection. */
  subscribe(listener: (change: string) => void): () => void {
    return this.host.subscribe(listener)
  }

  /**
   * The connection's ops, described, in version order, with none left out: a join brings the Yjs state
   * but not the ops missed while away, so when the connection's version passes the newest op handed on,
   * the ops between are fetched first. Ops that cannot be described are left out (the model then sees a
   * gap and reloads).
   */
  onOps(listener: (ops: readonly CommittedOp[]) => void): () => void {
    const follow = (known: readonly CommittedOp[]) => {
      const upTo = Math.max(this.host.version ?? 0, ...known.map(op => op.version))
      void this.serial(async () => {
        const from = this.handedOn ?? (known.length ? known[0].version - 1 : upTo)
        if (upTo <= from) return []
        await this.describeTo(upTo, known)
        this.handedOn = upTo
        return this.described.slice(from, upTo)
      }).then(ops => ops.length && listener(ops), () => {})
    }
    const stops = [
      this.host.onOps(ops => ops.length && follow(ops)),
      this.host.subscribe(change => change == "state" && (this.host.version ?? 0) > (this.handedOn ?? Infinity) && follow([]))
    ]
    return () => stops.forEach(stop => stop())
  }

  /** A page of described ops, newest first, below `before` (the newest when omitted), at most `limit`. */
  fetchHistory(before?: number, limit = 100): Promise<HistoryPage> {
    return this.serial(async () => {
      let top: number, known: readonly CommittedOp[] = []
      if (before == null) {
        // The newest page as it is stored tells the head, and is the tail of the replay.
        const newest = await this.host.fetchHistory(undefined, Math.min(limit, limits.maxReadOps))
        known = newest.ops
        top = newest.ops[0]?.version ?? 0
      } else {
        top = before - 1
      }
      await this.describeTo(top, known)
      if (before == null) this.handedOn = Math.max(this.handedOn ?? 0, top)
      const first = Math.max(1, top - limit + 1)
      const ops = this.described.slice(first - 1, top).reverse()
      return { docId: this.host.docId, ops, next: ops.length && first > 1 ? first : null }
    })
  }

  /** The document at a version, as the hub replays it for a CRDT document (whole, no steps). */
  fetchVersion(version: number): Promise<DocAtReply> {
    return this.host.fetchVersion(version)
  }

  /** Who wrote what in the document at `version`, counted over the described ops of the `window` before it. */
  async fetchAuthorship(version: number, window: number = limits.authorshipWindow): Promise<AuthorshipSpans> {
    const from = Math.max(0, version - window)
    const [base] = await Promise.all([this.host.fetchVersion(from), this.serial(() => this.describeTo(version, []))])
    const tracker = new Authorship(fetchedVersion(base), from)
    tracker.addAll(this.described.slice(from, version))
    tracker.moveTo(version)
    return { version, from, spans: tracker.spans }
  }

  /** The local document is the confirmed one with this tab's unsent typing in it: positions carry over unchanged, within its size. */
  mapConfirmed(pos: number): number {
    return Math.min(pos, this.host.state?.doc.content.size ?? pos)
  }

  /** Apply a local transaction: y-prosemirror's binding writes its change into Yjs like any typing. */
  dispatch(tr: Transaction): void {
    this.host.dispatch(tr)
  }

  /** Run `task` after those before it: the replay moves in one direction, one request at a time. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => {})
    return run
  }

  /** Replay up to `upTo`, taking ops from `known` where it has them and fetching the others in pages. */
  private async describeTo(upTo: number, known: readonly CommittedOp[]): Promise<void> {
    const byVersion = new Map(known.map(op => [op.version, op]))
    let budget = replaySlice
    while (this.replay.version < upTo) {
      const next = this.replay.version + 1
      if (!byVersion.has(next)) {
        const before = Math.min(upTo, this.replay.version + limits.maxReadOps) + 1
        const page = await this.host.fetchHistory(before, before - next)
        for (const op of page.ops) byVersion.set(op.version, op)
      }
      const op = byVersion.get(next)
      if (!op) throw new ConcordError("ERR_STORAGE", `Op ${next} is missing from the history`)
      this.described.push(this.replay.add(op))
      if (--budget == 0) {
        budget = replaySlice
        await new Promise(resolve => setTimeout(resolve))
      }
    }
  }
}
