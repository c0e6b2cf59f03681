import DOMPurify from "dompurify"
import { DOMParser, DOMSerializer, type Node } from "prosemirror-model"
import { ConcordError } from "../protocol/errors"
import { schema } from "../schema/schema"
import { cleanTitle } from "../schema/document-title"

/**
 * Remove what could run or load from `html` (scripts, event handlers, javascript: URLs, frames) with
 * DOMPurify, keeping the markup the schema reads. Throws ConcordError ERR_IMPORT_REFUSED where there is
 * no DOM to sanitize with (plain Node), rather than pass HTML on unsanitized.
 */
export function sanitizeHtml(html: string, options: { keepBlockIds?: boolean } = {}): string {
  return purifier().sanitize(html, { ALLOW_DATA_ATTR: !!options.keepBlockIds })
}

// DOMPurify, where there is a DOM for it to sanitize with.
function purifier(): typeof DOMPurify {
  if (!DOMPurify.isSupported) throw new ConcordError("ERR_IMPORT_REFUSED", "HTML can only be sanitized in a browser")
  return DOMPurify
}

/**
 * Read HTML (a fragment or a whole page) as a document of the schema, sanitized first, titled as the
 * page is. Block ids in the HTML are dropped, so that the editor gives the blocks fresh ones; links the
 * schema refuses keep their text only.
 */
export function docFromHtml(html: string): Node {
  const body = purifier().sanitize(html, { ALLOW_DATA_ATTR: false, RETURN_DOM: true })
  keepTextOfUnsupported(body)
  const doc = DOMParser.fromSchema(schema).parse(body)
  // A page's <title> names the document, as an exported page carries it; the browser's parser makes an
  // inert document of the page, which runs and loads nothing.
  const title = cleanTitle(new window.DOMParser().parseFromString(html, "text/html").title)
  return title ? doc.type.create({ ...doc.attrs, title }, doc.content) : doc
}

/**
 * Rewrite in place what the schema has no node for so that its text stays, as the Markdown import does:
 * a table becomes a paragraph per row, its cells apart ("a | b"); an image its description, linked to
 * the image's address (one without a description goes); a details element's summary a paragraph of its own. (Read as it is, a table's
 * cells ran together and an image went.)
 */
function keepTextOfUnsupported(root: Element): void {
  const doc = root.ownerDocument
  for (const table of [...root.querySelectorAll("table")]) {
    const rows = [...table.querySelectorAll("tr")].map(row => {
      const p = doc.createElement("p")
      p.textContent = [...row.querySelectorAll("th, td")].map(cell => cell.textContent?.trim() ?? "").join(" | ")
      return p
    })
    table.replaceWith(...rows)
  }
  for (const image of [...root.querySelectorAll("img")]) {
    const src = image.getAttribute("src") ?? "", alt = image.getAttribute("alt")
    if (!alt) {
      image.remove()
      continue
    }
    const link = doc.createElement("a")
    link.setAttribute("href", src)
    link.textContent = alt
    image.replaceWith(link)
  }
  for (const summary of [...root.querySelectorAll("summary")]) {
    const p = doc.createElement("p")
    p.append(...summary.childNodes)
    summary.replaceWith(p)
  }
}

/** Write a document as a standalone HTML page titled `title`, built in `document` (the page's own), without block ids. */
export function htmlFromDoc(doc: Node, title: string, document: Document): string {
  const page = document.implementation.createHTMLDocument(title)
  const charset = page.createElement("meta")
  charset.setAttribute("charset", "utf-8")
  page.head.prepend(charset)
  page.body.append(DOMSerializer.fromSchema(schema).serializeFragment(doc.content, { document: page }))
  for (const element of page.body.querySelectorAll("[data-id]")) element.removeAttribute("data-id")
  return "<!doctype html>\n" + page.documentElement.outerHTML + "\n"
}
