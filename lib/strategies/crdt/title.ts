import type * as Y from "yjs"
import { titleProblem } from "../../schema/document-title"

// y-prosemirror binds the doc node's content to a Y.XmlFragment but not its attributes, so a CRDT
// document keeps its title beside the fragment, in a Y.Map: concurrent renames settle as Yjs settles a
// map key (one of them wins everywhere), and the editor sees it as the doc node's `title`, as under
// every other strategy (title-plugin.ts). Only Yjs's types are imported here, so that the hub can read
// a title without loading Yjs.

/** The name of the Y.Map that holds a CRDT document's own attributes (its title). */
export const crdtAttrsMap = "document"

/** The title a Yjs document holds ("" when it has none, or none that is valid). */
export function crdtTitle(ydoc: Y.Doc): string {
  const title = ydoc.getMap(crdtAttrsMap).get("title")
  return typeof title == "string" && !titleProblem(title) ? title : ""
}

/** Why the attributes a Yjs document holds are not acceptable (a key other than `title`, or a bad title), or null. */
export function crdtAttrsProblem(ydoc: Y.Doc): string | null {
  for (const [key, value] of ydoc.getMap(crdtAttrsMap).entries()) {
    if (key != "title") return `Unsupported attribute ${key} for the document`
    const problem = titleProblem(value)
    if (problem) return problem
  }
  return null
}
