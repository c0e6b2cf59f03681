import type { Node } from "prosemirror-model"
import { history as historyPlugin } from "prosemirror-history"
import { schema } from "../../lib/schema"
import { CollabHarness } from "../support/collab-harness"
import { randomDoc } from "./fuzz-actions"
import type { FuzzResult } from "./fuzz-session"
import { Prng } from "./prng"

/** Where the writers all start typing: right after this character, which nothing else in a session's document holds. */
const marker = "¤"
// Each writer's characters are its own: CJK ideographs from here on.
const firstChar = 0x4e00

/** A writer of a words session: the word it types and how, and how much of it it has typed. */
interface Writer {
  word: string
  /** Forward: each key after the one before. Backward: each key before the one before, as typing at one spot with the caret moved back. */
  backward: boolean
  typed: number
}

/**
 * Run one session with seed `seed` in which two to six writers type a word each at the same point at
 * once, forward or backward, while messages are delivered in random order and writers disconnect and
 * reconnect. Checks, besides convergence, what the transform rule for concurrent insertions promises
 * (docs/PROTOCOL.md, "Words typed at one point"): every word ends up whole, and no writer ever sees
 * its own word split. Deterministic: the same seed gives the same session.
 */
export function runWordsSession(seed: number): FuzzResult {
  const rng = new Prng(seed)
  const start = startDoc(rng)
  const count = rng.between(2, 6)
  const h = new CollabHarness(start, count)
  let next = firstChar
  const writers: Writer[] = h.clients.map(() => ({
    word: Array.from({ length: rng.between(2, 7) }, () => String.fromCharCode(next++)).join(""),
    backward: rng.chance(0.25),
    typed: 0
  }))
  // Some writers keep undo history, as an editor does: its rebased items must not change where keys land.
  for (const client of h.clients) if (rng.chance(0.5)) client.sync.state = client.sync.state.reconfigure({ plugins: [...client.sync.state.plugins, historyPlugin()] })
  const setup = `${count} writers: ${writers.map((w, k) => `c${k} ${w.backward ? "backward" : "forward"} ${w.word}`).join(", ")}; doc ${start}`
  const actions: string[] = []
  try {
    while (writers.some(w => w.typed < w.word.length)) {
      const k = rng.int(count)
      const client = h.clients[k]
      const writer = writers[k]
      const kind = rng.weighted<string>([
        [writer.typed < writer.word.length ? 10 : 0, "key"], [5, "toHub"], [5, "toClient"],
        [client.connected ? 0.4 : 0, "disconnect"], [client.connected ? 0 : 2, "reconnect"]
      ])
      if (kind == "key") {
        const key = writer.word[writer.typed]
        const pos = keyPosition(client.doc, writer)
        actions.push(`c${k} types ${key} at ${pos}`)
        h.edit(k, s => s.tr.insertText(key, pos))
        writer.typed++
      } else if (kind == "toHub") {
        actions.push(`c${k} -> hub`)
        h.deliverToHub(k, rng.between(1, 3))
      } else if (kind == "toClient") {
        actions.push(`hub -> c${k}`)
        h.deliverToClient(k, rng.between(1, 4))
      } else if (kind == "disconnect") {
        actions.push(`c${k} disconnects`)
        h.disconnect(k, rng.chance(0.5))
      } else {
        actions.push(`c${k} reconnects`)
        h.reconnect(k)
      }
      // A writer never sees its own word split, however its typing was rebased.
      writers.forEach((w, j) => {
        const own = typedSoFar(w)
        if (own && !text(h.clients[j].doc).includes(own)) throw new Error(`c${j} sees its word ${own} split: ${text(h.clients[j].doc)}`)
      })
    }
    actions.push("settle")
    h.settle()
    h.assertConverged()
    const result = text(h.hub.doc)
    for (const w of writers) if (!result.includes(typedSoFar(w))) throw new Error(`the word ${typedSoFar(w)} is split: ${result}`)
    return { ok: true, seed, setup, actions }
  } catch (e) {
    const error = e instanceof Error ? e.stack ?? e.message : String(e)
    return { ok: false, seed, error: `in action ${actions.length} (${actions[actions.length - 1]}): ${error}`, setup, actions }
  }
}

/** A random document with one paragraph holding the marker, between random blocks. */
function startDoc(rng: Prng): Node {
  const random = randomDoc(rng)
  const blocks: Node[] = []
  random.forEach(block => blocks.push(block))
  const paragraph = schema.nodes.paragraph.create(null, schema.text(`words ${marker} here`))
  blocks.splice(rng.int(blocks.length + 1), 0, paragraph)
  return schema.nodes.doc.create(null, blocks)
}

/** What a writer has typed so far, as it reads in the document. */
function typedSoFar(writer: Writer): string {
  const typed = writer.word.slice(0, writer.typed)
  return writer.backward ? [...typed].reverse().join("") : typed
}

/** Where a writer's next key goes: after the marker at first, then after (or, backward, before) its previous key. */
function keyPosition(doc: Node, writer: Writer): number {
  if (writer.typed == 0) return positionAfter(doc, marker)
  const previous = positionAfter(doc, writer.word[writer.typed - 1])
  return writer.backward ? previous - 1 : previous
}

function positionAfter(doc: Node, char: string): number {
  let found = -1
  doc.descendants((node, pos) => {
    const index = node.isText ? node.text!.indexOf(char) : -1
    if (index >= 0) found = pos + index + 1
    return found < 0
  })
  if (found < 0) throw new Error(`${char} is not in the document`)
  return found
}

function text(doc: Node): string {
  return doc.textBetween(0, doc.content.size, "|")
}
