import type { Node } from "prosemirror-model"
import { ChangeSet } from "prosemirror-changeset"
import { Step } from "prosemirror-transform"
import { schema } from "../schema"
import type { Author, CommittedOp } from "../protocol/messages"
import { authorKey } from "./timeline"

/** A range of a document that one person wrote since the base version. */
export interface AuthorSpan {
  from: number
  to: number
  author: Author
}

/**
 * Who wrote what since a base version: replays ops on the base document and follows them with a
 * prosemirror-changeset ChangeSet whose data is each op's author, so that `spans` gives the inserted
 * ranges of the current document with their authors. Text older than the base version has no span.
 * Ops must be added in version order, starting right after the base version.
 */
export class Authorship {
  /** The document at `version`. */
  doc: Node
  /** The version the document is at. */
  version: number
  private set: ChangeSet<string>
  private readonly authors = new Map<string, Author>()

  constructor(readonly base: Node, readonly baseVersion: number) {
    this.doc = base
    this.version = baseVersion
    // The default `combine` keeps ranges of different authors apart.
    this.set = ChangeSet.create<string>(base)
  }

  /** Replay `op`, the op after `version`. Throws RangeError when it is not the next op or does not apply. */
  add(op: CommittedOp): void {
    if (op.version != this.version + 1) throw new RangeError(`Expected op ${this.version + 1}, got ${op.version}`)
    const maps = []
    let doc = this.doc
    for (const json of op.steps) {
      const step = Step.fromJSON(schema, json)
      const result = step.apply(doc)
      if (!result.doc) throw new RangeError(`Op ${op.version} does not apply: ${result.failed}`)
      doc = result.doc
      maps.push(step.getMap())
    }
    const key = authorKey(op.author)
    this.authors.set(key, op.author)
    if (maps.length) this.set = this.set.addSteps(doc, maps, key)
    this.doc = doc
    this.version = op.version
  }

  /** The inserted ranges of `doc` since the base version, in order, each with its author. */
  get spans(): AuthorSpan[] {
    const spans: AuthorSpan[] = []
    for (const change of this.set.changes) {
      let pos = change.fromB
      for (const span of change.inserted) {
        const author = this.authors.get(span.data)
        if (author && span.length) {
          const last = spans[spans.length - 1]
          if (last && last.to == pos && last.author == author) last.to += span.length
          else spans.push({ from: pos, to: pos + span.length, author })
        }
        pos += span.length
      }
    }
    return spans
  }
}
