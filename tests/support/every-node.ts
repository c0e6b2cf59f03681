import type { Node } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { b } from "./builders"

const strike = (text: string) => schema.text(text, [schema.marks.strike.create()])
const code = (text: string) => schema.text(text, [schema.marks.code.create()])
const titled = (text: string) => schema.text(text, [schema.marks.link.create({ href: "https://example.com/t?q=1", title: "A title" })])
const mailto = (text: string) => schema.text(text, [schema.marks.link.create({ href: "mailto:ada@example.com" })])
const h3 = (text: string) => schema.node("heading", { level: 3 }, [schema.text(text)])
const olFrom = (order: number, ...items: Node[]) => schema.node("ordered_list", { order }, items)

/**
 * A document using every node and mark of the schema, with every attribute Markdown and HTML carry
 * (heading levels, list starts, link titles), lists of one kind one after another, and characters that need escaping.
 */
export function everyNodeAndMark(): Node {
  return b.doc(
    b.h1("Heading one"),
    b.h2("Heading ", b.em("two")),
    h3("Heading three"),
    b.p("Plain, ", b.strong("strong"), ", ", b.em("em"), ", ", strike("struck"), ", ", code("code()"), ", ", b.strong(b.em("both")), "."),
    b.p(b.a("a link"), " and ", titled("a titled link"), " and ", mailto("mail"), ", then a", b.br(), "hard break"),
    b.quote(b.p("Quoted ", b.strong("text")), b.p("Second quoted paragraph")),
    b.ul(b.li(b.p("bullet one")), b.li(b.p("bullet two"), b.ul(b.li(b.p("nested"))))),
    olFrom(3, b.li(b.p("third")), b.li(b.p("fourth"))),
    b.ol(b.li(b.p("first"))),
    olFrom(0, b.li(b.p("zeroth"))),
    b.ul(b.li(b.p("a list after a list"))),
    b.ul(b.li(b.p("and another"))),
    b.pre("const x = 1\n\nif (x < 2) `tick` *star*"),
    b.hr(),
    b.p(schema.text("Special characters: * _ ` # [brackets] <angle> 1. ~~ \\ end"))
  )
}

/** A document's JSON (a Node or its toJSON) without block ids, to compare documents whose ids were assigned apart. */
export function withoutIds(doc: Node | unknown): unknown {
  const json = doc && typeof (doc as Node).toJSON == "function" ? (doc as Node).toJSON() : doc
  return JSON.parse(JSON.stringify(json, (key, value) => (key == "id" ? undefined : value)))
}
