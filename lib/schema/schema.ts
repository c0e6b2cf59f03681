import { Schema, type Node, type NodeSpec, type MarkSpec, type DOMOutputSpec, type Attrs } from "prosemirror-model"
import { usePlainAttrs } from "./plain-attrs"
import { titleProblem } from "./document-title"
import { cutText } from "./cut-text"
import { colorPattern } from "../protocol/author-color"
import { limits } from "../protocol/limits"

/** The URL schemes a link may point at; anything else is refused by the schema and the hub. */
export const allowedLinkSchemes = ["http:", "https:", "mailto:"] as const

/** True when `href` is an absolute http, https or mailto URL. */
export function isAllowedHref(href: unknown): href is string {
  if (typeof href != "string" || href.length == 0 || href.length > 2048) return false
  try {
    return (allowedLinkSchemes as readonly string[]).includes(new URL(href).protocol)
  } catch {
    return false
  }
}

// Attribute defaults never change: snapshots are stored without the attributes that hold their default
// (compact-json.ts), so a new default would change what old snapshots mean (tests/unit/compact-json.test.ts
// pins them). A different default needs a new attribute, or a migration that rewrites the snapshots.
// Every block carries a stable `id`. The DOM keeps it as data-id so that copy and paste
// inside one document can keep it, while block-ids.ts repairs duplicates.
const idAttr = { id: { default: null as string | null, validate: validateId } }

// Top-level blocks of a version-vector document also carry their version vector (`vv`) and, while
// concurrent versions wait for a person to choose, those versions (`conflict`); both are set by the
// hub (lib/strategies/vv/writes.ts) and stay null on documents under other strategies.
const blockAttrs = {
  ...idAttr,
  vv: { default: null as Record<string, number> | null, validate: validateVector },
  conflict: { default: null as unknown[] | null, validate: validateConflict }
}

function validateVector(value: unknown): void {
  if (value === null) return
  if (typeof value != "object" || Array.isArray(value)) throw new RangeError("vv must be null or an object of counts")
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > 256) throw new RangeError("vv may have at most 256 entries")
  for (const [key, count] of entries)
    if (key.length == 0 || key.length > 64 || typeof count != "number" || !Number.isSafeInteger(count) || count < 0)
      throw new RangeError("vv entries must map a client id to a count")
}

function validateConflict(value: unknown): void {
  if (value === null) return
  if (!Array.isArray(value) || value.length < 2 || value.length > 16) throw new RangeError("conflict must be null or 2 to 16 versions")
  for (const version of value) {
    const v = version as { vv?: unknown; node?: unknown; author?: { name?: unknown; color?: unknown }; clientId?: unknown } | null
    if (!v || typeof v != "object") throw new RangeError("A conflict version must be an object")
    validateVector(v.vv ?? null)
    if (v.node !== null) checkConflictNode(v.node)
    if (typeof v.author?.name != "string" || typeof v.author?.color != "string" || typeof v.clientId != "string")
      throw new RangeError("A conflict version needs an author and a clientId")
    if (v.author.name.length > limits.maxNameLength || !colorPattern.test(v.author.color) || v.clientId.length > 64)
      throw new RangeError("A conflict version's author needs a name of at most 64 characters and a colour like #3366cc, its clientId at most 64 characters")
  }
}

// A version in conflict is a whole block of this schema, which the editor shows and a person may
// keep: it must parse and pass the schema's checks, and hold no conflict of its own.
function checkConflictNode(json: unknown): void {
  if (typeof json != "object" || json === null || Array.isArray(json)) throw new RangeError("A conflict version's node must be null or a node")
  let node: Node
  try {
    node = schema.nodeFromJSON(json)
    node.check()
  } catch (error) {
    throw new RangeError(`A conflict version's node is not a block of this schema: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!node.isBlock || node.attrs.conflict != null) throw new RangeError("A conflict version's node must be a block without a conflict of its own")
}

/** True for a string a block's id may be: 1 to 64 characters. */
function isBlockId(value: unknown): value is string {
  return typeof value == "string" && value.length > 0 && value.length <= 64
}

function validateId(value: unknown): void {
  if (value !== null && !isBlockId(value)) throw new RangeError("Block id must be null or a string of 1 to 64 characters")
}

function validateInteger(min: number, max: number) {
  return (value: unknown): void => {
    if (typeof value != "number" || !Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`Expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
}

function validateHref(value: unknown): void {
  if (!isAllowedHref(value)) throw new RangeError("Link href must be an http, https or mailto URL")
}

const maxLinkTitle = 512

function validateTitle(value: unknown): void {
  if (value !== null && (typeof value != "string" || value.length > maxLinkTitle))
    throw new RangeError(`Link title must be null or a string of at most ${maxLinkTitle} characters`)
}

/** A link title as pasted or imported, cut to what the schema takes (null for none): a longer one refused the whole paste. */
export function fittedLinkTitle(title: string | null): string | null {
  return title ? cutText(title, maxLinkTitle) : null
}
// An <ol start> the order attribute can hold (0 included, as toDOM writes it), else 1.
function orderFromDOM(start: string | null): number {
  const order = start == null || start.trim() == "" ? NaN : Number(start)
  return Number.isInteger(order) && order >= 0 && order <= 1_000_000 ? order : 1
}
// A pasted block keeps an id only when it is one the schema takes: any other refused the whole paste.
const idFromDOM = (dom: HTMLElement | string): Attrs => {
  const id = typeof dom == "string" ? null : dom.getAttribute("data-id")
  return { id: isBlockId(id) ? id : null }
}
const idToDOM = (id: unknown): Record<string, string> => (typeof id == "string" ? { "data-id": id } : {})

function validateDocTitle(value: unknown): void {
  const problem = titleProblem(value)
  if (problem) throw new RangeError(problem)
}

const nodes: Record<string, NodeSpec> = {
  // The title is set by a DocAttrStep, shared and transformed like any other step (it has no positions).
  doc: { content: "block+", attrs: { title: { default: "", validate: validateDocTitle } } },
  paragraph: {
    content: "inline*",
    group: "block",
    attrs: blockAttrs,
    parseDOM: [{ tag: "p", getAttrs: idFromDOM }],
    // dir="auto": each paragraph and heading takes the direction of its own text (Arabic or Hebrew right to left).
    toDOM: (node): DOMOutputSpec => ["p", { ...idToDOM(node.attrs.id), dir: "auto" }, 0]
  },
  heading: {
    content: "inline*",
    group: "block",
    defining: true,
    attrs: { ...blockAttrs, level: { default: 1, validate: validateInteger(1, 3) } },
    parseDOM: [1, 2, 3, 4, 5, 6].map(level => ({
      tag: "h" + level,
      getAttrs: (dom: HTMLElement) => ({ ...idFromDOM(dom), level: Math.min(level, 3) })
    })),
    toDOM: (node): DOMOutputSpec => ["h" + node.attrs.level, { ...idToDOM(node.attrs.id), dir: "auto" }, 0]
  },
  blockquote: {
    content: "block+",
    group: "block",
    defining: true,
    attrs: blockAttrs,
    parseDOM: [{ tag: "blockquote", getAttrs: idFromDOM }],
    toDOM: (node): DOMOutputSpec => ["blockquote", idToDOM(node.attrs.id), 0]
  },
  code_block: {
    content: "text*",
    marks: "",
    group: "block",
    code: true,
    defining: true,
    attrs: blockAttrs,
    parseDOM: [{ tag: "pre", preserveWhitespace: "full", getAttrs: idFromDOM }],
    toDOM: (node): DOMOutputSpec => ["pre", idToDOM(node.attrs.id), ["code", 0]]
  },
  horizontal_rule: {
    group: "block",
    attrs: blockAttrs,
    parseDOM: [{ tag: "hr", getAttrs: idFromDOM }],
    toDOM: (node): DOMOutputSpec => ["hr", idToDOM(node.attrs.id)]
  },
  bullet_list: {
    content: "list_item+",
    group: "block",
    attrs: blockAttrs,
    parseDOM: [{ tag: "ul", getAttrs: idFromDOM }],
    toDOM: (node): DOMOutputSpec => ["ul", idToDOM(node.attrs.id), 0]
  },
  ordered_list: {
    content: "list_item+",
    group: "block",
    attrs: { ...blockAttrs, order: { default: 1, validate: validateInteger(0, 1_000_000) } },
    parseDOM: [{
      tag: "ol",
      getAttrs: (dom: HTMLElement) => ({ ...idFromDOM(dom), order: orderFromDOM(dom.getAttribute("start")) })
    }],
    toDOM: (node): DOMOutputSpec =>
      ["ol", { ...idToDOM(node.attrs.id), ...(node.attrs.order == 1 ? {} : { start: String(node.attrs.order) }) }, 0]
  },
  list_item: {
    content: "paragraph block*",
    defining: true,
    attrs: idAttr,
    parseDOM: [{ tag: "li", getAttrs: idFromDOM }],
    toDOM: (node): DOMOutputSpec => ["li", idToDOM(node.attrs.id), 0]
  },
  text: { group: "inline" },
  hard_break: {
    inline: true,
    group: "inline",
    selectable: false,
    parseDOM: [{ tag: "br" }],
    toDOM: (): DOMOutputSpec => ["br"]
  }
}

const marks: Record<string, MarkSpec> = {
  link: {
    attrs: { href: { validate: validateHref }, title: { default: null, validate: validateTitle } },
    inclusive: false,
    parseDOM: [{
      tag: "a[href]",
      getAttrs: (dom: HTMLElement) => {
        const href = dom.getAttribute("href")
        return isAllowedHref(href) ? { href, title: fittedLinkTitle(dom.getAttribute("title")) } : false
      }
    }],
    toDOM: (mark): DOMOutputSpec => ["a", { href: mark.attrs.href, title: mark.attrs.title, rel: "noopener noreferrer nofollow" }, 0]
  },
  em: {
    parseDOM: [{ tag: "i" }, { tag: "em" }, { style: "font-style=italic" }],
    toDOM: (): DOMOutputSpec => ["em", 0]
  },
  strong: {
    parseDOM: [
      { tag: "strong" },
      { tag: "b", getAttrs: (node: HTMLElement) => node.style.fontWeight != "normal" && null },
      { style: "font-weight=400", clearMark: m => m.type.name == "strong" },
      { style: "font-weight", getAttrs: (value: string) => /^(bold(er)?|[5-9]\d{2,})$/.test(value) && null }
    ],
    toDOM: (): DOMOutputSpec => ["strong", 0]
  },
  code: {
    parseDOM: [{ tag: "code" }],
    toDOM: (): DOMOutputSpec => ["code", 0]
  },
  strike: {
    parseDOM: [{ tag: "s" }, { tag: "del" }, { tag: "strike" }, { style: "text-decoration=line-through" }],
    toDOM: (): DOMOutputSpec => ["s", 0]
  }
}

/** The one document schema, shared by the browser, the hub, the tests and the benchmarks. */
export const schema = new Schema({ nodes, marks })
usePlainAttrs(schema)
