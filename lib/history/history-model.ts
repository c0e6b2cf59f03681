import type { StepMap } from "prosemirror-transform"
import { ConcordError } from "../protocol/errors"
import type { Author, CommittedOp } from "../protocol/messages"
import { blameDropped, describeDropped, droppedContents, restoreDropped, type DroppedContent } from "./dropped-content"
import { setHistoryHighlights } from "./highlight-plugin"
import { HistoryLog } from "./history-log"
import { lostWrites, restoredRegister, restoreLostWrite, type LostWrite } from "./lost-write"
import type { HistorySource } from "./history-source"
import { explainMerge, type MergeExplanation } from "./merge-explanation"
import { shownDrops } from "./shown-drops"
import { mergeHighlights, type HighlightRange } from "./merge-highlight"
import { restoreVersion } from "./restore-version"
import { ownUndoStep } from "../editor/own-undo"
import { restoresMeta } from "../ot/restores-meta"
import { filterTimeline, groupTimeline, type Person, type TimelineEntry, type TimelineFilter } from "./timeline"
import { VersionCache } from "./version-cache"
import { VersionTravel, type TravelState } from "./version-travel"

/** What the history panel renders; a new object after every change, the same one until then. */
export interface HistorySnapshot {
  /** The newest version known. */
  head: number
  /** True until the first page of history arrived. */
  loading: boolean
  /** True while the connection cannot ask the hub (offline, connecting): history still to load waits for it. */
  offline: boolean
  /** True when older ops than those held exist. */
  hasOlder: boolean
  loadingOlder: boolean
  error: string | null
  filter: TimelineFilter
  travel: TravelState
  /** The key of the entry highlighted in the editor. */
  selected: string | null
  /** Bumped whenever the timeline or the dropped-step details change. */
  revision: number
}

/** A dropped change as the panel shows it. */
export interface DroppedView {
  key: string
  content: DroppedContent
  /** "'xyz' could not be applied: Bob deleted the list it was in" */
  text: string
  /** True when there is content to put back. */
  restorable: boolean
  /** True once this viewer restored it. */
  restored: boolean
}

/** A last-writer-wins write that lost, as the panel shows it. */
export interface LostWriteView extends LostWrite {
  /** True once this viewer restored it. */
  restored: boolean
  /** Once the hub discarded this viewer's restore too: the name of the writer whose later clock still holds the block; else null. */
  lostAgainTo: string | null
}

/** Settings of a HistoryModel. */
export interface HistoryModelOptions {
  /** Ops per history page (200 by default). */
  pageSize?: number
  /** Live updates are passed on at most this often, in ms (200 by default). */
  throttleMs?: number
  /** Ops the timeline keeps (5,000 by default). */
  capacity?: number
  /** Time travel shows who wrote what over at most this many ops before the version shown (500 by default). */
  authorshipWindow?: number
}

/**
 * Everything behind the history panel, without DOM: the timeline of committed ops (live and paged),
 * merge explanations, dropped changes with their context, highlights in the editor, time travel and the
 * restores. Components read `snapshot` (useSyncExternalStore) and call the methods.
 */
export class HistoryModel {
  readonly log: HistoryLog
  readonly cache: VersionCache
  readonly travel: VersionTravel
  snapshot: HistorySnapshot
  private readonly listeners = new Set<() => void>()
  private readonly pageSize: number
  private readonly throttleMs: number
  private notifyTimer: ReturnType<typeof setTimeout> | null = null
  private stops: (() => void)[] = []
  private fetching: Promise<void> | null = null
  private grouped = { epoch: -1, revision: -1, ascending: [] as TimelineEntry[] }
  private filtered = { revision: -1, filter: null as TimelineFilter | null, entries: [] as TimelineEntry[] }
  private readonly people = { epoch: -1, revision: -1, through: 0, byClient: new Map<string, Person>(), list: [] as Person[] }
  private readonly explained = new WeakMap<CommittedOp, MergeExplanation | null>()
  private readonly dropped = new Map<number, DroppedView[] | "loading">()
  private readonly lost = new WeakMap<CommittedOp, LostWrite[]>()
  private readonly restored = new Set<string>()
  /** Restores of lost writes whose op has not arrived yet, by the lost write's key: the register written, its text, the head then. */
  private readonly restoring = new Map<string, { block: string; text: string; after: number }>()
  /** Restores the hub discarded again, by the lost write's key: who holds the block with a later clock. */
  private readonly lostAgain = new Map<string, string>()
  private revision = 0

  constructor(private readonly source: HistorySource, options: HistoryModelOptions = {}) {
    this.pageSize = options.pageSize ?? 200
    this.throttleMs = options.throttleMs ?? 200
    this.log = new HistoryLog(options.capacity ?? 5_000)
    this.cache = new VersionCache(source, this.log)
    this.travel = new VersionTravel(this.cache, () => this.head, () => this.notify(true), { authorshipWindow: options.authorshipWindow })
    this.snapshot = {
      head: 0, loading: true, offline: source.status != "online", hasOlder: false, loadingOlder: false, error: null,
      filter: { kind: "all" }, travel: this.travel.state, selected: null, revision: 0
    }
  }

  /** The newest version known. */
  get head(): number {
    return Math.max(this.log.newest ?? 0, this.source.version ?? 0)
  }

  /** Follow the connection: take in live ops and load the newest page once it can. */
  start(): void {
    this.stops.push(this.source.onOps(ops => this.opsArrived(ops)))
    this.stops.push(this.source.subscribe(change => {
      if (change == "status" && this.source.status == "online" && (this.snapshot.loading || this.snapshot.error)) void this.loadPage()
      this.followSource()
    }))
    this.followSource()
    if (this.source.status == "online") void this.loadPage()
  }

  /**
   * Show the connection's version and whether it is offline: a document read from this device's copy
   * knows its version before any history arrives, and the panel says when loading waits for a connection.
   */
  private followSource(): void {
    const offline = this.source.status != "online"
    if (offline == this.snapshot.offline && this.head == this.snapshot.head) return
    this.snapshot = { ...this.snapshot, offline }
    this.notify(true)
  }

  /** Stop following the connection and drop timers. */
  close(): void {
    for (const stop of this.stops) stop()
    this.stops = []
    this.travel.close()
    if (this.notifyTimer) clearTimeout(this.notifyTimer)
    this.listeners.clear()
  }

  /** Call `listener` after every change of `snapshot`; returns the function that unsubscribes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** The timeline, newest entry first, as the current filter shows it. */
  entries(): TimelineEntry[] {
    const filter = this.snapshot.filter
    if (this.filtered.revision == this.log.revision && this.filtered.filter == filter) return this.filtered.entries
    const all = [...this.timeline()].reverse()
    const entries = filterTimeline(all, filter, this.source.clientId)
    this.filtered = { revision: this.log.revision, filter, entries }
    return entries
  }

  /** Everyone in the timeline (see Person), most recent first. */
  authors(): Person[] {
    const people = this.people
    if (people.revision == this.log.revision) return people.list
    if (people.epoch != this.log.epoch) {
      people.byClient.clear()
      people.through = 0
    }
    // Followed incrementally: re-adding a client moves it to the end, so the map ends with the most recent.
    for (const op of this.log.range(Math.max(people.through, (this.log.oldest ?? 1) - 1), this.log.newest ?? 0) ?? []) {
      people.byClient.delete(op.clientId)
      people.byClient.set(op.clientId, { clientId: op.clientId, author: op.author })
    }
    Object.assign(people, { epoch: this.log.epoch, revision: this.log.revision, through: this.log.newest ?? 0, list: [...people.byClient.values()].reverse() })
    return people.list
  }

  /** Show only the entries `filter` keeps. */
  setFilter(filter: TimelineFilter): void {
    this.snapshot = { ...this.snapshot, filter }
    this.notify(true)
  }

  /** Load the page of ops before the oldest held. */
  loadOlder(): Promise<void> {
    return this.loadPage()
  }

  /** How merged `op` was transformed, or null when it was not merged. */
  explain(op: CommittedOp): MergeExplanation | null {
    const known = this.explained.get(op)
    if (known !== undefined) return known
    const explanation = explainMerge(op, version => this.cache.op(version))
    // Kept once every op it was merged with is known; until then it may still name more people.
    if (!explanation || explanation.concurrent.length == explanation.count) this.explained.set(op, explanation)
    return explanation
  }

  /**
   * The dropped changes of `op` with who most likely removed their place, or null while the context
   * (the document at the op's base version and the ops it was transformed past) is being fetched.
   */
  droppedOf(op: CommittedOp): DroppedView[] | null {
    if (!shownDrops(op).length) return []
    const known = this.dropped.get(op.version)
    if (known && known != "loading") return known
    if (!known) void this.loadDropped(op)
    return null
  }

  /** Put a dropped change's content back into the document, near where it was, as a new local edit. */
  restoreDropped(view: DroppedView): boolean {
    const state = this.source.state, confirmed = this.source.version
    const op = this.cache.op(view.content.version)
    if (!state || confirmed == null || !view.content.blocks || !op) return false
    const maps = this.cache.mapsBetween(op.baseVersion, confirmed)
    let pos = state.doc.content.size
    if (maps) {
      let confirmedPos = view.content.from
      for (const map of maps) confirmedPos = map.map(confirmedPos, -1)
      pos = this.source.mapConfirmed(confirmedPos, -1)
    }
    this.source.dispatch(ownUndoStep(state, restoreDropped(state, view.content.blocks, pos)))
    this.restored.add(view.key)
    const views = this.dropped.get(op.version)
    if (views && views != "loading") this.dropped.set(op.version, views.map(v => (v.key == view.key ? { ...v, restored: true } : v)))
    this.revision++
    this.notify(true)
    return true
  }

  /** The last-writer-wins writes of `op` that a later clock beat, with the text they carried. */
  lostOf(op: CommittedOp): LostWriteView[] {
    if (!op.writes?.length) return []
    let writes = this.lost.get(op)
    if (!writes) this.lost.set(op, (writes = lostWrites(op)))
    return writes.map(write => ({ ...write, restored: this.restored.has(write.key), lostAgainTo: this.lostAgain.get(write.key) ?? null }))
  }

  /**
   * Write a lost write's blocks again, as a new local edit that the document's strategy sends like any
   * other (stamped with this viewer's clock, so it wins unless a later clock holds the block: the op that
   * commits it tells, and `lostOf` says so), and an undo step of its own, never joined to typing just
   * before it (as every restore here is: ownUndoStep). False when there is nothing to write back.
   */
  restoreLost(view: LostWriteView): boolean {
    const state = this.source.state
    const tr = state && restoreLostWrite(state, view)
    if (!tr) return false
    const register = restoredRegister(state.doc, view)
    if (register) this.restoring.set(view.key, { ...register, after: this.head })
    this.source.dispatch(ownUndoStep(state, tr.scrollIntoView()))
    this.restored.add(view.key)
    this.revision++
    this.notify(true)
    return true
  }

  /**
   * Highlight `entry` in the editor: where its ops landed and, for a merged op, what the ops it was
   * transformed past did, all carried to the current document. Null clears. Returns the ranges drawn.
   */
  highlight(entry: TimelineEntry | null): HighlightRange[] {
    const state = this.source.state, confirmed = this.source.version
    if (!state) return []
    let ranges: HighlightRange[] = []
    if (entry && confirmed != null) {
      const single = entry.ops.length == 1
      const start = single ? entry.ops[0].baseVersion : entry.first - 1
      const maps = this.mapsFrom(start, confirmed)
      for (const op of entry.ops) {
        const target = single ? op : { ...op, baseVersion: op.version - 1 }
        ranges.push(...mergeHighlights(target, version => this.cache.op(version), maps))
      }
      ranges = ranges.map(r => {
        const from = this.source.mapConfirmed(r.from, 1)
        return { ...r, from, to: r.from == r.to ? from : Math.max(from, this.source.mapConfirmed(r.to, -1)) }
      })
    }
    this.source.dispatch(setHistoryHighlights(state.tr, entry ? ranges : null))
    this.snapshot = { ...this.snapshot, selected: entry?.key ?? null }
    this.notify(true)
    return ranges
  }

  /**
   * Replace the document with the version shown by time travel, as one undoable local edit marked as
   * restoring that version (see restoresMeta: its op says so), and go back to the live document.
   */
  restoreTravelVersion(): boolean {
    const state = this.source.state, { doc, version } = this.travel.state
    if (!state || !doc || version == null) return false
    const tr = restoreVersion(state, doc)
    if (tr) this.source.dispatch(ownUndoStep(state, tr.setMeta(restoresMeta, version).scrollIntoView()))
    this.travel.exit()
    return true
  }

  private timeline(): TimelineEntry[] {
    const log = this.log
    const previous = this.grouped
    if (previous.revision == log.revision && previous.epoch == log.epoch) return previous.ascending
    let ascending: TimelineEntry[]
    const last = previous.ascending[previous.ascending.length - 1]
    const tail = last && previous.epoch == log.epoch ? log.range(last.first - 1, log.newest ?? 0) : null
    if (tail) ascending = previous.ascending.slice(0, -1).concat(groupTimeline(tail).reverse())
    else ascending = groupTimeline(log.all).reverse()
    this.grouped = { epoch: log.epoch, revision: log.revision, ascending }
    return ascending
  }

  /** A function giving the maps from any version after `start` to `to`, sharing one list of maps. */
  private mapsFrom(start: number, to: number): (version: number) => readonly StepMap[] | null {
    const all = this.cache.mapsBetween(start, to)
    if (!all) return () => null
    const offsets = new Map<number, number>()
    let offset = 0
    for (let version = start + 1; version <= to; version++) {
      offsets.set(version, offset)
      offset += this.cache.op(version)!.steps.length
    }
    return version => {
      const after = version == to ? all.length : offsets.get(version + 1)
      return after == null ? null : all.slice(after)
    }
  }

  private opsArrived(ops: readonly CommittedOp[]): void {
    if (!ops.length) return
    if (this.restoring.size) this.settleRestores(ops)
    if (!this.log.append(ops)) {
      // The connection started over from a snapshot: follow it from here and fetch what came before.
      this.log.clear()
      this.log.append(ops)
      void this.loadPage()
    }
    this.notify(false)
  }

  /**
   * Find the viewer's restores among `ops`: the first write of the viewer's after the restore to the
   * same register with the restored text is the restore (the viewer's clock stamped it), won or discarded.
   */
  private settleRestores(ops: readonly CommittedOp[]): void {
    for (const op of ops) {
      if (!op.writes || op.clientId != this.source.clientId) continue
      for (const [key, restore] of this.restoring) {
        const write = op.version > restore.after && op.writes.find(w => w.block == restore.block && w.text == restore.text)
        if (!write) continue
        this.restoring.delete(key)
        if (!write.won) this.lostAgain.set(key, write.beatenBy?.author.name ?? "another writer")
        this.revision++
      }
    }
  }

  private loadPage(): Promise<void> {
    if (this.fetching) return this.fetching
    const before = this.log.oldest ?? undefined
    if (before != null && (before <= 1 || this.log.complete)) {
      if (this.snapshot.loading) {
        this.snapshot = { ...this.snapshot, loading: false }
        this.notify(true)
      }
      return Promise.resolve()
    }
    this.snapshot = { ...this.snapshot, loadingOlder: before != null }
    this.fetching = this.source.fetchHistory(before, this.pageSize).then(
      page => {
        this.log.addPage(page.ops, page.next)
        this.snapshot = { ...this.snapshot, loading: false, error: null }
      },
      error => {
        this.snapshot = { ...this.snapshot, error: ConcordError.from(error).message }
      }
    ).finally(() => {
      this.fetching = null
      this.snapshot = { ...this.snapshot, loadingOlder: false }
      this.notify(true)
    })
    return this.fetching
  }

  private async loadDropped(op: CommittedOp): Promise<void> {
    this.dropped.set(op.version, "loading")
    const [baseDoc, concurrent] = await Promise.all([
      this.cache.doc(op.baseVersion).catch(() => null),
      this.cache.range(op.baseVersion, op.version - 1).catch(() => [])
    ])
    const views = droppedContents(op, baseDoc).map(content => {
      const key = `${op.version}:${content.indices[0]}`
      const text = describeDropped(content, blameDropped(content, concurrent, baseDoc))
      return { key, content, text, restorable: !!content.blocks && content.blocks.size > 0, restored: this.restored.has(key) }
    })
    this.dropped.set(op.version, views)
    this.revision++
    this.notify(true)
  }

  /** Pass the change on: at once for the viewer's own actions, else at most every throttleMs. */
  private notify(now: boolean): void {
    if (!now) {
      this.notifyTimer ??= setTimeout(() => this.flush(), this.throttleMs)
      return
    }
    this.flush()
  }

  private flush(): void {
    if (this.notifyTimer) clearTimeout(this.notifyTimer)
    this.notifyTimer = null
    this.snapshot = {
      ...this.snapshot,
      head: this.head,
      hasOlder: !this.log.complete && (this.log.oldest ?? 0) > 1,
      travel: this.travel.state,
      revision: this.revision + this.log.revision
    }
    for (const listener of [...this.listeners]) listener()
  }
}
