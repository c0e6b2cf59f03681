import type { Node } from "prosemirror-model"
import { htmlFromDoc } from "./html"
import { markdownFromDoc } from "./markdown"
import { plainTextFromDoc } from "./plain-text"
import { cutText } from "../schema/cut-text"

/** The formats a document can be exported as. */
export type ExportFormat = "markdown" | "html" | "text"

/** A file to download: its name, MIME type and text. */
export interface ExportedFile {
  name: string
  type: string
  text: string
}

const fileKinds: Record<ExportFormat, { extension: string; type: string }> = {
  markdown: { extension: ".md", type: "text/markdown;charset=utf-8" },
  html: { extension: ".html", type: "text/html;charset=utf-8" },
  text: { extension: ".txt", type: "text/plain;charset=utf-8" }
}

/** A file name made of a document's title: characters that file systems refuse become spaces, "Untitled document" when nothing is left. */
export function exportFileName(title: string, format: ExportFormat): string {
  const base = cutText(title.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim().replace(/^\.+/, ""), 80).trim()
  return (base || "Untitled document") + fileKinds[format].extension
}

/** Document `doc` titled `title` as a file in `format`; HTML is built in `document` (the page's own). */
export function exportedFile(doc: Node, format: ExportFormat, title: string, document: Document): ExportedFile {
  const text = format == "markdown" ? markdownFromDoc(doc) : format == "html" ? htmlFromDoc(doc, title || "Untitled document", document) : plainTextFromDoc(doc)
  return { name: exportFileName(title, format), type: fileKinds[format].type, text }
}
