import { Node } from "prosemirror-model"
import { schema } from "../schema"
import type { DocAtReply } from "../protocol/messages"
import { replay } from "./replay"

const utf8 = new TextDecoder()

/**
 * The document a `docAt` reply describes: its base document (the JSON's UTF-8 bytes) with the steps
 * after it applied. Throws when the bytes are not JSON (SyntaxError), not a document of this schema, or
 * a step does not apply (RangeError).
 */
export function fetchedVersion(reply: DocAtReply): Node {
  const doc = replay(Node.fromJSON(schema, JSON.parse(utf8.decode(reply.doc))), [reply])
  if (!doc) throw new RangeError(`The steps of docAt ${reply.base}..${reply.version} do not apply to its document`)
  return doc
}
