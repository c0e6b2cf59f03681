import type { Node } from "prosemirror-model"
import { ConcordError } from "../protocol/errors"
import { limits } from "../protocol/limits"
import { docFromHtml } from "./html"
import { docFromMarkdown } from "./markdown"

/** The kinds of file the document page imports. */
export type ImportFormat = "markdown" | "html"

/** The file extensions the document page imports, for a file input's `accept`. */
export const importExtensions = [".md", ".markdown", ".html", ".htm"] as const

/** The format of a file to import, from its name's extension, or null for a file the page does not import. */
export function importFormatOf(fileName: string): ImportFormat | null {
  const extension = /\.[^.]+$/.exec(fileName.toLowerCase())?.[0]
  if (extension == ".md" || extension == ".markdown") return "markdown"
  if (extension == ".html" || extension == ".htm") return "html"
  return null
}

/** Characters of text an import may hold when its document may reach the hub in several messages. */
export const maxImportText = 4_000_000

/**
 * The document a Markdown or HTML file holds, checked against the schema and small enough to reach the
 * hub: as one edit in one message (one slice), or, `inParts` (a document whose edits are steps, which
 * replaceDocument sends a chunk of blocks at a time), up to limits.maxDocumentSize. Throws ConcordError
 * ERR_IMPORT_REFUSED otherwise.
 */
export function importedDoc(fileName: string, text: string, inParts = false): Node {
  const format = importFormatOf(fileName)
  if (!format) throw new ConcordError("ERR_IMPORT_REFUSED", `Only Markdown (.md) and HTML (.html) files can be imported, not ${fileName}`)
  const room = inParts ? `${kb(maxImportText)} of text, a document of ${limits.maxDocumentSize.toLocaleString("en-US")} characters` : `${kb(limits.maxMessageBytes / 2)}, some 30 pages of formatted text`
  if (text.length > (inParts ? maxImportText : limits.maxMessageBytes / 2)) throw tooLarge(fileName, `${kb(text.length)} of text`, room)
  const doc = format == "markdown" ? docFromMarkdown(text) : docFromHtml(text)
  try {
    doc.check()
  } catch (error) {
    throw new ConcordError("ERR_IMPORT_REFUSED", `${fileName} does not fit a Concord document: ${(error as Error).message}`)
  }
  if (inParts) {
    if (doc.content.size > limits.maxDocumentSize) throw tooLarge(fileName, `${doc.content.size.toLocaleString("en-US")} characters as a document`, room)
    return doc
  }
  // The edit that carries the document crosses the wire as one message with one slice.
  if (doc.childCount > limits.maxSliceNodes) throw tooLarge(fileName, `${doc.childCount.toLocaleString("en-US")} paragraphs and other blocks`, room)
  const size = JSON.stringify(doc.toJSON()).length
  if (size > limits.maxMessageBytes / 2) throw tooLarge(fileName, `${kb(size)} as a document`, room)
  return doc
}

function kb(size: number): string {
  return `${Math.ceil(size / 1000).toLocaleString("en-US")} KB`
}

/** The refusal of a file too large to import, saying how large it is and what fits (`room`). */
function tooLarge(fileName: string, size: string, room: string): ConcordError {
  return new ConcordError("ERR_IMPORT_REFUSED", `${fileName} is too large to import (${size}; an import may be ${room}): split it into smaller files`)
}
