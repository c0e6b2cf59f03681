import * as Y from "yjs"
import { crdtFragment, crdtSeed, encodeUpdate } from "../../lib/strategies/crdt/updates"
import { limits } from "../../lib/protocol"
import type { Prng } from "./prng"

/** A CRDT `update` field: the value sent, a label, and why the hub must refuse it (null: it may take it). */
export interface UpdateCase {
  update: unknown
  label: string
  problem: string | null
}

// A Yjs document holding the seed every CRDT document starts from, written by a fresh Yjs client.
function seeded(rng: Prng): Y.Doc {
  const ydoc = new Y.Doc()
  ydoc.clientID = rng.between(1_000, 2 ** 30)
  Y.applyUpdate(ydoc, crdtSeed())
  return ydoc
}

// What `ydoc` wrote beyond the seed, as one update.
function written(ydoc: Y.Doc): Uint8Array {
  const seed = new Y.Doc()
  Y.applyUpdate(seed, crdtSeed())
  return Y.encodeStateAsUpdate(ydoc, Y.encodeStateVector(seed))
}

function firstParagraph(ydoc: Y.Doc): Y.XmlElement {
  return ydoc.getXmlFragment(crdtFragment).get(0) as Y.XmlElement
}

/** An update a well-behaved client could send: text typed into the seed paragraph by a new Yjs client. */
export function validUpdate(rng: Prng): string {
  const ydoc = seeded(rng)
  const text = new Y.XmlText()
  firstParagraph(ydoc).insert(0, [text])
  text.insert(0, rng.pick(["a", "bc", "def"]))
  return encodeUpdate(written(ydoc))
}

// Updates that decode but leave a document the schema does not allow.
function schemaViolation(rng: Prng): UpdateCase {
  const ydoc = seeded(rng)
  const fragment = ydoc.getXmlFragment(crdtFragment)
  const [label, write] = rng.pick<[string, () => void]>([
    ["unknown element", () => fragment.insert(1, [new Y.XmlElement("script")])],
    ["text element", () => fragment.insert(1, [new Y.XmlElement("text")])],
    ["paragraph in paragraph", () => firstParagraph(ydoc).insert(0, [new Y.XmlElement("paragraph")])],
    ["javascript: link", () => {
      const text = new Y.XmlText()
      firstParagraph(ydoc).insert(0, [text])
      text.insert(0, "x", { link: { href: "javascript:alert(1)" } })
    }],
    ["heading level 9", () => {
      const heading = new Y.XmlElement("heading")
      heading.setAttribute("level", 9 as unknown as string)
      fragment.insert(1, [heading])
    }],
    ["unknown mark", () => {
      const text = new Y.XmlText()
      firstParagraph(ydoc).insert(0, [text])
      text.insert(0, "x", { blink: {} })
    }]
  ])
  write()
  return { update: encodeUpdate(written(ydoc)), label: `update ${label}`, problem: label }
}

// The hub's own first checks of an update: base64, at most maxUpdateBytes, decodable by Yjs.
function decodeProblem(bytes: Uint8Array): string | null {
  if (bytes.length > limits.maxUpdateBytes) return "too large"
  try {
    Y.decodeUpdate(bytes)
    return null
  } catch {
    return "not a Yjs update"
  }
}

function randomBytes(rng: Prng, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = rng.int(256)
  return bytes
}

/** An update field made hostile: not base64, random or truncated bytes, too large, schema-violating, or not a string. */
export function hostileUpdate(rng: Prng): UpdateCase {
  return rng.weighted<() => UpdateCase>([
    [3, () => schemaViolation(rng)],
    [2, () => {
      const bytes = randomBytes(rng, rng.between(1, 64))
      return { update: encodeUpdate(bytes), label: "update random bytes", problem: decodeProblem(bytes) }
    }],
    [2, () => {
      const whole = Buffer.from(validUpdate(rng), "base64")
      const bytes = whole.subarray(0, rng.between(1, whole.length - 1))
      return { update: encodeUpdate(bytes), label: "update truncated", problem: decodeProblem(bytes) }
    }],
    [1, () => ({ update: rng.pick(["!!!", "a b", "=", "\u20ac\u20ac", "YQ==YQ=="]), label: "update not base64", problem: "not base64" })],
    [1, () => ({ update: "", label: "update empty", problem: "empty" })],
    [0.2, () => ({ update: encodeUpdate(randomBytes(rng, limits.maxUpdateBytes + 1_000)), label: "update too large", problem: "too large" })],
    [1, () => ({ update: rng.pick<unknown>([Buffer.from(validUpdate(rng), "base64"), 42, null, ["AA=="], { update: "AA==" }]), label: "update wrong type", problem: "not a string" })]
  ])()
}

/** A `stateVector` field for a join: garbage or random bytes, and whether the hub must refuse it on a CRDT document. */
export function hostileStateVector(rng: Prng): UpdateCase {
  const bytes = randomBytes(rng, rng.between(1, 40))
  let problem: string | null = null
  try {
    Y.decodeStateVector(bytes)
  } catch {
    problem = "not a state vector"
  }
  return rng.weighted<() => UpdateCase>([
    [3, () => ({ update: encodeUpdate(bytes), label: "stateVector random bytes", problem })],
    [1, () => ({ update: rng.pick(["!!", "a b", "x".repeat(100_001)]), label: "stateVector not base64", problem: "not base64" })],
    [1, () => ({ update: rng.pick<unknown>([7, null, Buffer.from([1, 2]), {}]), label: "stateVector wrong type", problem: "not a string" })]
  ])()
}
