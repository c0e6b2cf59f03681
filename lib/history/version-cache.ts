import type { Node } from "prosemirror-model"
import { Step, type StepMap } from "prosemirror-transform"
import { schema } from "../schema"
import { limits } from "../protocol/limits"
import type { AuthorshipSpans, CommittedOp } from "../protocol/messages"
import type { HistoryLog } from "./history-log"
import type { HistorySource } from "./history-source"
import { replay } from "./replay"
import { fetchedVersion } from "./fetched-version"

/**
 * Old documents and ops for time travel and dropped-step context: documents by version (the newest
 * `docCapacity` kept), computed from a neighbour and its op when possible, else fetched with docAt; ops
 * taken from the log, else fetched in pages and kept (at most `opCapacity`).
 */
export class VersionCache {
  private readonly docs = new Map<number, Node>()
  private readonly pending = new Map<number, Promise<Node>>()
  private readonly ops = new Map<number, CommittedOp>()

  constructor(private readonly source: HistorySource, private readonly log: HistoryLog,
    private readonly docCapacity = 16, private readonly opCapacity = 5_000) {}

  /** The op that produced `version`, if known. */
  op(version: number): CommittedOp | undefined {
    return this.log.get(version) ?? this.ops.get(version)
  }

  /** The step maps from the document at version `from` to the one at `to`, or null when an op between is unknown. */
  mapsBetween(from: number, to: number): StepMap[] | null {
    const held = this.log.mapsBetween(from, to)
    if (held) return held
    const maps: StepMap[] = []
    for (let version = from + 1; version <= to; version++) {
      const op = this.op(version)
      if (!op) return null
      maps.push(...(this.log.mapsOf(version) ?? op.steps.map(json => Step.fromJSON(schema, json).getMap())))
    }
    return maps
  }

  /** The document at `version` if it is at hand, without asking the hub. */
  peek(version: number): Node | null {
    const cached = this.docs.get(version)
    if (cached) return cached
    const previous = this.docs.get(version - 1), op = this.op(version)
    if (previous && op) {
      const doc = replay(previous, [op])
      if (doc) return this.keep(version, doc)
    }
    return null
  }

  /** The document at `version`. Rejects when the hub cannot serve it. */
  doc(version: number): Promise<Node> {
    const known = this.peek(version)
    if (known) return Promise.resolve(known)
    let loading = this.pending.get(version)
    if (!loading) {
      loading = this.source.fetchVersion(version)
        .then(reply => this.keep(version, fetchedVersion(reply)))
        .finally(() => this.pending.delete(version))
      this.pending.set(version, loading)
    }
    return loading
  }

  /** Who wrote what in the document at `version`, over the `window` ops up to it, as the hub counts it. */
  authorship(version: number, window: number): Promise<AuthorshipSpans> {
    return this.source.fetchAuthorship(version, window)
  }

  /** The ops with after < version <= upTo, oldest first, fetched in pages when the log does not hold them. */
  async range(after: number, upTo: number): Promise<CommittedOp[]> {
    const held = this.log.range(after, upTo)
    if (held) return held
    let missing = upTo
    while (missing > after && this.op(missing)) missing--
    while (missing > after) {
      const limit = Math.min(limits.maxReadOps, missing - after)
      const page = await this.source.fetchHistory(missing + 1, limit)
      if (!page.ops.length) break
      for (const op of page.ops) this.ops.set(op.version, op)
      missing = page.ops[page.ops.length - 1].version - 1
      while (missing > after && this.op(missing)) missing--
    }
    const result: CommittedOp[] = []
    for (let version = after + 1; version <= upTo; version++) {
      const op = this.op(version)
      if (!op) throw new RangeError(`Op ${version} is missing from the history`)
      result.push(op)
    }
    this.trimOps()
    return result
  }

  /** Keep `doc` as the document at `version`. */
  remember(version: number, doc: Node): void {
    this.keep(version, doc)
  }

  private keep(version: number, doc: Node): Node {
    this.docs.delete(version)
    this.docs.set(version, doc)
    for (const old of this.docs.keys()) {
      if (this.docs.size <= this.docCapacity) break
      this.docs.delete(old)
    }
    return doc
  }

  private trimOps(): void {
    for (const version of this.ops.keys()) {
      if (this.ops.size <= this.opCapacity) break
      this.ops.delete(version)
    }
  }
}
