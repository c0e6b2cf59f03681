import { describe, expect, it } from "vitest"
import { Fragment, Slice } from "prosemirror-model"
import { schema } from "../../lib/schema"
import { docFromMarkdown, markdownFromDoc } from "../../lib/formats/markdown"
import { looksLikeMarkdown, markdownSlice } from "../../lib/formats/markdown-paste"
import { plainTextFromDoc } from "../../lib/formats/plain-text"
import { exportFileName } from "../../lib/formats/exported-file"
import { importedDoc, importFormatOf } from "../../lib/formats/imported-document"
import { textCounts } from "../../lib/editor/text-counts"
import { b } from "../support/builders"
import { everyNodeAndMark, withoutIds } from "../support/every-node"

describe("Markdown", () => {
  it("round-trips every node and mark of the schema", () => {
    const doc = everyNodeAndMark()
    doc.check()
    const markdown = markdownFromDoc(doc)
    const back = docFromMarkdown(markdown)
    back.check()
    expect(withoutIds(back)).toEqual(withoutIds(doc))
    expect(back.eq(doc)).toBe(true)
    expect(markdown).toContain("~~struck~~")
    expect(markdown).toContain('[a titled link](https://example.com/t?q=1 "A title")')
    expect(markdown).toContain("3. third")
  })

  it("writes a document in parts of a few blocks as it writes it whole, runs of lists and empty blocks included", () => {
    const { doc, p, h1, ul, ol, li, quote, pre, hr } = b
    const every = everyNodeAndMark()
    const blocks = [p(), p("one"), ul(li(p("a"))), ul(li(p("b"))), ul(li(p("c"))), ol(li(p("d"))), ol(li(p("e")), li(p("f"))), h1("Title"),
      pre("code\nmore"), hr(), hr(), quote(p("quoted")), p(), ul(li(p("g"))), p(), p(), ul(li(p("i"))), ol(li(p("h"))), quote(p()), pre(""), h1(), p("x")]
    const mixed = every.type.create(null, [...blocks, ...every.children])
    const whole = markdownFromDoc(mixed, Infinity)
    expect(whole).toContain("* a\n\n\n- b\n\n\n* c")
    for (const atATime of [1, 2, 3, 5]) expect(markdownFromDoc(mixed, atATime)).toBe(whole)
  })

  it("reads headings deeper than the schema as level 3, an image as a link to it, and a table as a paragraph per row", () => {
    const doc = docFromMarkdown("#### Deep\n\nText ![alt](https://example.com/a.png) after ![](local.png)\n\n| Col A | Col B |\n|---|---|\n| a1 | **b1** |\n| a2 | b2 |\n")
    doc.check()
    expect(doc.child(0).type.name).toBe("heading")
    expect(doc.child(0).attrs.level).toBe(3)
    // An image without a description goes, as before.
    expect(doc.child(1).textContent).toBe("Text alt after ")
    const linked = doc.child(1).child(1)
    expect([linked.text, linked.marks.map(m => m.attrs.href)]).toEqual(["alt", ["https://example.com/a.png"]])
    expect([...Array(doc.childCount - 2).keys()].map(i => doc.child(i + 2).textContent)).toEqual(["Col A | Col B", "a1 | b1", "a2 | b2"])
    expect(doc.child(3).child(1).marks.map(m => m.type.name)).toEqual(["strong"])
  })

  it("keeps the text of links the schema refuses, without the link", () => {
    const doc = docFromMarkdown("[relative](/somewhere) and [ok](https://example.com) and <https://auto.example.com>\n")
    doc.check()
    const links: string[] = []
    doc.descendants(node => {
      for (const mark of node.marks) if (mark.type.name == "link") links.push(mark.attrs.href)
    })
    expect(links).toEqual(["https://example.com", "https://auto.example.com"])
    expect(doc.textContent).toContain("relative and ok")
  })

  it("never makes a javascript: link, and raw HTML stays text", () => {
    const doc = docFromMarkdown('[click](javascript:alert(1)) <a href="javascript:alert(2)">x</a> <img src=x onerror=alert(3)>\n')
    doc.check()
    doc.descendants(node => {
      expect(node.marks.some(mark => mark.type.name == "link")).toBe(false)
    })
    expect(doc.textContent).toContain("<img src=x onerror=alert(3)>")
  })
})

describe("plain text export", () => {
  it("writes blocks apart, lists with markers, hard breaks as line breaks, and no markup", () => {
    expect(plainTextFromDoc(everyNodeAndMark())).toBe([
      "Heading one", "Heading two", "Heading three",
      "Plain, strong, em, struck, code(), both.",
      "a link and a titled link and mail, then a\nhard break",
      "Quoted text", "Second quoted paragraph",
      "- bullet one\n- bullet two\n  - nested",
      "3. third\n4. fourth",
      "1. first",
      "0. zeroth",
      "- a list after a list",
      "- and another",
      "const x = 1\n\nif (x < 2) `tick` *star*",
      "---",
      "Special characters: * _ ` # [brackets] <angle> 1. ~~ \\ end"
    ].join("\n\n") + "\n")
  })
})

describe("Markdown paste detection", () => {
  it.each([
    "# A heading", "Some text\n## Heading two", "> a quote", "- one\n- two", "* item", "1. first\n2. second",
    "```\ncode\n```", "---", "text with **strong** words", "some _emphasis_ here", "a *single* star",
    "`inline code` here", "see [the site](https://example.com)", "~~gone~~ now"
  ])("reads %j as Markdown", text => {
    expect(looksLikeMarkdown(text)).toBe(true)
  })

  it.each([
    "Just a sentence.", "Two lines\nof plain text", "2 * 3 * 4 = 24", "snake_case_name and another_one",
    "a - b - c", "Price: $5 #1 seller", "email me at ada@example.com", "C# and F# are languages", "(a) [b] {c}"
  ])("leaves %j as plain text", text => {
    expect(looksLikeMarkdown(text)).toBe(false)
  })

  it("pastes Markdown as a slice open at both ends, as ProseMirror pastes text", () => {
    const inline = markdownSlice("some **bold** text")
    expect([inline.openStart, inline.openEnd]).toEqual([1, 1])
    expect(inline.content.eq(b.doc(b.p("some ", b.strong("bold"), " text")).content)).toBe(true)
    const blocks = markdownSlice("# Title\n\n- item")
    expect([blocks.openStart, blocks.openEnd]).toEqual([1, 3])
    expect(blocks.content.eq(b.doc(b.h1("Title"), b.ul(b.li(b.p("item")))).content)).toBe(true)
  })
})

describe("import and export files", () => {
  it("names an exported file after the title, without characters file systems refuse", () => {
    expect(exportFileName("Meeting notes", "markdown")).toBe("Meeting notes.md")
    expect(exportFileName("a".repeat(79) + "😀 tail", "text")).toBe("a".repeat(79) + ".txt")
    expect(exportFileName('a/b:c*d?"e"<f>|g', "html")).toBe("a b c d e f g.html")
    expect(exportFileName("  ", "text")).toBe("Untitled document.txt")
    expect(exportFileName("..hidden", "text")).toBe("hidden.txt")
  })

  it("imports Markdown by extension and refuses other files and oversized ones with a coded error", () => {
    expect(importFormatOf("notes.MD")).toBe("markdown")
    expect(importFormatOf("page.htm")).toBe("html")
    expect(importFormatOf("image.png")).toBeNull()
    expect(importedDoc("notes.md", "# Hi\n").child(0).type.name).toBe("heading")
    expect(() => importedDoc("image.png", "")).toThrow(expect.objectContaining({ code: "ERR_IMPORT_REFUSED" }))
    expect(() => importedDoc("big.md", "word ".repeat(200_000))).toThrow(expect.objectContaining({ code: "ERR_IMPORT_REFUSED" }))
    // Saying how large it is and what fits.
    expect(() => importedDoc("big.md", "word ".repeat(200_000))).toThrow("big.md is too large to import (1,000 KB of text; an import may be 500 KB")
    const paragraphs = Array.from({ length: 4000 }, (_, i) => `Paragraph ${i} **bold** text.`).join("\n\n")
    expect(() => importedDoc("long.md", paragraphs)).toThrow(/long\.md is too large to import \([\d,]+ KB as a document; an import may be 500 KB, some 30 pages of formatted text\): split it into smaller files/)
    // A document whose edits are steps takes it in parts (replaceDocument), up to the hub's document size.
    expect(importedDoc("long.md", paragraphs, true).childCount).toBe(4000)
    expect(() => importedDoc("huge.md", "word ".repeat(900_000), true)).toThrow("huge.md is too large to import (4,500 KB of text; an import may be 4,000 KB of text, a document of 2,000,000 characters)")
    expect(() => importedDoc("huge.md", "w\n\n".repeat(700_000), true)).toThrow(/huge\.md is too large to import \(2,100,000 characters as a document;/)
  })

  it("refuses HTML where there is no DOM to sanitize it with", () => {
    expect(() => importedDoc("page.html", "<p>hi</p>")).toThrow(expect.objectContaining({ code: "ERR_IMPORT_REFUSED" }))
  })
})

describe("textCounts", () => {
  it("counts words and characters, with blocks and hard breaks between words", () => {
    const doc = b.doc(b.p("Hello, world! It's an e-mail."), b.p("one", b.br(), "two"), b.ul(b.li(b.p("déjà vu 42"))), b.hr(), b.p())
    expect(textCounts(doc)).toEqual({ words: 10, characters: 29 + 6 + 10 })
    expect(textCounts(b.doc(b.p("😀 ok")))).toEqual({ words: 1, characters: 4 })
    // A character as people see it: a skin tone or a family joined by zero-width joiners is one.
    expect(textCounts(b.doc(b.p("Hi 👍🏽 and 👨‍👩‍👧")))).toEqual({ words: 2, characters: 10 })
  })

  it("recounts only the blocks an edit changed", () => {
    const doc = b.doc(...Array.from({ length: 2_000 }, (_, i) => b.p(`paragraph number ${i} with some words`)))
    expect(textCounts(doc).words).toBe(2_000 * 6)
    const edited = doc.replace(1, 1, new Slice(Fragment.from(schema.text("more ")), 0, 0))
    const started = performance.now()
    expect(textCounts(edited).words).toBe(2_000 * 6 + 1)
    expect(performance.now() - started).toBeLessThan(20)
  })
})

describe("Markdown links with long titles", () => {
  it("keep the link with its title cut to what the schema takes", () => {
    const doc = docFromMarkdown(`[ok](https://a.example "${"t".repeat(600)}") and on\n`)
    doc.check()
    let title: string | null = null
    doc.descendants(node => {
      for (const mark of node.marks) if (mark.type.name == "link") title = mark.attrs.title
    })
    expect((title as string | null)?.length).toBe(512)
    expect(doc.textContent).toBe("ok and on")
  })
})
