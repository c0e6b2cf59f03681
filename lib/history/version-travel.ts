import type { Node } from "prosemirror-model"
import { ConcordError } from "../protocol/errors"
import { Authorship, type AuthorSpan } from "./authorship"
import type { VersionCache } from "./version-cache"

/** What the version scrubber shows. */
export interface TravelState {
  /** The version shown, or null when the live document is shown. */
  version: number | null
  /** The document at `version`, once loaded. */
  doc: Node | null
  /** Who wrote what since `authorshipFrom`, once computed for `version`. */
  spans: AuthorSpan[] | null
  /** The version authorship is counted from. */
  authorshipFrom: number | null
  /** True while the document or its authorship is on its way. */
  loading: boolean
  /** True while playing forward. */
  playing: boolean
  /** Why the version could not be shown. */
  error: string | null
}

/** Settings of VersionTravel. */
export interface TravelOptions {
  /** Authorship is shown for at most this many ops before the version shown (500 by default). */
  authorshipWindow?: number
  /** Delay between versions while playing, in ms (350 by default). */
  playDelay?: number
  /**
   * How long a version fetched from the hub stays shown before the documents and ops for stepping from
   * it are fetched, in ms (150 by default): a drag through versions does not fetch them for every one.
   */
  prepareDelay?: number
  /**
   * Resolves once the page has painted the document just set (its first screen). The authorship of a
   * version fetched from the hub, asked for as the document arrives, is shown only then, so that taking
   * it in does not delay the first screen. By default the next frame in a browser, at once elsewhere.
   */
  painted?: () => Promise<void>
}

function nextFrame(): Promise<void> {
  if (typeof requestAnimationFrame != "function") return Promise.resolve()
  return new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve)))
}

/** Ops replayed in one go while showing a version; a longer replay gives the page a turn after each slice. */
const replaySlice = 50

const live: TravelState = { version: null, doc: null, spans: null, authorshipFrom: null, loading: false, playing: false, error: null }

/**
 * Time travel through a document's versions: shows the document at a version (from the cache or the
 * hub) and then who wrote each part of it since up to `authorshipWindow` ops before, stepping and
 * playing forward with one op at a time where it can. Stale answers are ignored when the version moves on.
 *
 * A version far from the one shown comes from the hub: its document, then its authorship, which the
 * hub counts while this page draws the document (asked for as soon as the document is here, so that
 * the document's reply never waits on the hub's counting, and taken in only once the first screen is
 * painted, so that the first screen does not wait on it either).
 * Stepping and playing need an Authorship tracker, with the document `authorshipWindow` ops before
 * and the ops since: it is fetched once the version has stayed shown for `prepareDelay` ms, or when
 * a step or play starts.
 */
export class VersionTravel {
  state: TravelState = live
  private token = 0
  private authorship: Authorship | null = null
  private playTimer: ReturnType<typeof setTimeout> | null = null
  private prepareTimer: ReturnType<typeof setTimeout> | null = null
  private fetching: Promise<Node> | null = null
  private readonly window: number
  private readonly playDelay: number
  private readonly prepareDelay: number
  private readonly painted: () => Promise<void>

  constructor(private readonly cache: VersionCache, private readonly head: () => number, private readonly changed: () => void,
    options: TravelOptions = {}) {
    this.window = options.authorshipWindow ?? 500
    this.playDelay = options.playDelay ?? 350
    this.prepareDelay = options.prepareDelay ?? 150
    this.painted = options.painted ?? nextFrame
  }

  /**
   * Show the document at `version` (clamped to 0..head): the document itself as soon as it is known (from
   * the cache, replayed from what is at hand, or from the hub), then its authorship. Resolves once both
   * are loaded, one failed, or the scrubber moved on.
   */
  async show(version: number): Promise<void> {
    const target = Math.max(0, Math.min(Math.round(version), this.head()))
    const token = ++this.token
    this.clearPrepareTimer()
    const doc = this.cache.peek(target)
    this.set({ version: target, doc, spans: null, authorshipFrom: null, loading: true, error: null })
    const local = this.reachable(target)
    if (local) {
      try {
        if (!(await this.replayTo(local, target, token))) return
      } catch (error) {
        return this.set({ loading: false, playing: false, error: ConcordError.from(error).message })
      }
      this.cache.remember(target, local.doc)
      return this.set({ doc: local.doc, spans: local.spans, authorshipFrom: local.baseVersion, loading: false })
    }
    try {
      let shown = doc
      if (!shown) {
        shown = await this.fetchDoc(target, token)
        if (!shown) return
        this.set({ doc: shown })
      }
      // Asked for only once the document is here: counted here when the tracker is near enough to need
      // only ops, else by the hub.
      if (this.near(target)) {
        const tracker = await this.authorshipAt(target, shown, token)
        if (token != this.token || !tracker) return
        this.set({ spans: tracker.spans, authorshipFrom: tracker.baseVersion, loading: false })
      } else {
        // A document fetched just now: asked for at once (fetches go one at a time, so a drag does not
        // ask for every version it passes), so that the hub counts while this page draws; set only once
        // the first screen is painted, so that taking the spans in does not delay it. A document from
        // the cache: asked for once it is painted, if the scrubber stayed.
        const counting = doc ? null : this.cache.authorship(target, this.window)
        counting?.catch(() => {})
        await this.painted()
        if (token != this.token) return
        const counted = await (counting ?? this.cache.authorship(target, this.window))
        if (token != this.token) return
        this.set({ spans: counted.spans, authorshipFrom: counted.from, loading: false })
        this.prepareTimer = setTimeout(() => {
          this.prepareTimer = null
          void this.prepare(target).catch(() => {})
        }, this.prepareDelay)
      }
    } catch (error) {
      if (token == this.token) this.set({ loading: false, playing: false, error: ConcordError.from(error).message })
    }
  }

  /** Show the version `delta` away from the one shown (or from the head). */
  async step(delta: number): Promise<void> {
    const from = this.state.version ?? this.head()
    await this.prepare(from).catch(() => {})
    return this.show(from + delta)
  }

  /** Play forward from the version shown (from the start when at the head) until the head. */
  play(): void {
    if (this.state.playing) return
    const start = this.state.version == null || this.state.version >= this.head() ? 0 : this.state.version + 1
    this.set({ playing: true })
    const tick = async (version: number) => {
      if (version > 0) await this.prepare(version - 1).catch(() => {})
      if (!this.state.playing) return
      await this.show(version)
      if (!this.state.playing || this.state.version != version) return
      if (version >= this.head()) return this.pause()
      this.playTimer = setTimeout(() => void tick(version + 1), this.playDelay)
    }
    void tick(start)
  }

  /** Stop playing; the version shown stays. */
  pause(): void {
    this.clearTimer()
    if (this.state.playing) this.set({ playing: false })
  }

  /** Go back to the live document. */
  exit(): void {
    this.clearTimer()
    this.token++
    this.state = live
    this.changed()
  }

  /** Stop timers for good. */
  close(): void {
    this.clearTimer()
    this.token++
  }

  /**
   * Make sure a tracker can step from `version`: when none reaches it, build one from the document
   * `authorshipWindow` ops before and the ops since (the document at `version` from what is shown or
   * the cache). Gives up when the scrubber moves meanwhile.
   */
  private async prepare(version: number): Promise<void> {
    if (this.reachable(version)) return
    const token = this.token
    const doc = this.state.version == version && this.state.doc ? this.state.doc : await this.cache.doc(version)
    if (token == this.token) await this.authorshipAt(version, doc, token)
  }

  /** Whether the current tracker is close enough to `version` to count its authorship from ops alone. */
  private near(version: number): boolean {
    const tracker = this.authorship
    return tracker != null && tracker.baseVersion <= version && version - tracker.baseVersion <= 2 * this.window
  }

  /**
   * The document at `version` from the hub, one request at a time: while one is out, a newer show waits
   * for it and then asks for its own version, and shows that moved on meanwhile ask for nothing (null).
   */
  private async fetchDoc(version: number, token: number): Promise<Node | null> {
    while (this.fetching) {
      await this.fetching.catch(() => {})
      if (token != this.token) return null
    }
    const fetching = this.cache.doc(version)
    this.fetching = fetching
    try {
      const doc = await fetching
      return token == this.token ? doc : null
    } finally {
      if (this.fetching == fetching) this.fetching = null
    }
  }

  /**
   * The current tracker when it can reach `version` from what is at hand, without asking the hub: a
   * version it was given, or one whose ops after it are known here. Null otherwise.
   */
  private reachable(version: number): Authorship | null {
    const tracker = this.authorship
    if (!tracker || !this.near(version)) return null
    for (let v = tracker.latest + 1; v <= version; v++) if (!this.cache.op(v)) return null
    return tracker
  }

  /**
   * Move `tracker` to `version`, replaying the ops known here past its newest, replaySlice ops at a
   * time with a turn for the page between. False when the scrubber moved on meanwhile.
   */
  private async replayTo(tracker: Authorship, version: number, token: number): Promise<boolean> {
    let budget = replaySlice
    const turn = async () => {
      await new Promise(resolve => setTimeout(resolve))
      budget = replaySlice
      return token == this.token
    }
    while (tracker.latest < version) {
      tracker.add(this.cache.op(tracker.latest + 1)!)
      if (--budget == 0 && !(await turn())) return false
    }
    while (!tracker.moveTowards(version, budget)) if (!(await turn())) return false
    return true
  }

  /**
   * Who wrote what at `version`, whose document is `doc`: the current tracker moved there, or given the
   * ops up to it, else a new one from the document `authorshipWindow` ops before. The ops are not
   * replayed: `doc` is where they lead.
   */
  private async authorshipAt(version: number, doc: Node, token: number): Promise<Authorship | null> {
    let tracker = this.authorship
    if (tracker && this.near(version)) {
      const ops = await this.cache.range(Math.min(tracker.latest, version), version)
      if (token != this.token) return null
      // A show meanwhile may have moved the tracker forward over some of them.
      tracker.addAll(ops.filter(op => op.version > tracker!.latest), doc)
    } else {
      const base = Math.max(0, version - this.window)
      const [baseDoc, ops] = await Promise.all([this.cache.doc(base), this.cache.range(base, version)])
      if (token != this.token) return null
      tracker = new Authorship(baseDoc, base)
      tracker.addAll(ops, doc)
    }
    tracker.moveTo(version)
    this.authorship = tracker
    return tracker
  }

  private clearTimer(): void {
    if (this.playTimer) clearTimeout(this.playTimer)
    this.playTimer = null
    this.clearPrepareTimer()
  }

  private clearPrepareTimer(): void {
    if (this.prepareTimer) clearTimeout(this.prepareTimer)
    this.prepareTimer = null
  }

  private set(patch: Partial<TravelState>): void {
    this.state = { ...this.state, ...patch }
    this.changed()
  }
}
