import type { Node } from "prosemirror-model"

/**
 * Write a document as plain text: one line per paragraph or heading (hard breaks as line breaks), a blank
 * line between blocks, list items marked "- " or "1. " and indented under their list, code as it is.
 */
export function plainTextFromDoc(doc: Node): string {
  return blocksText(doc, "").join("\n\n") + "\n"
}

function blocksText(parent: Node, indent: string): string[] {
  const blocks: string[] = []
  parent.forEach(node => {
    if (node.isTextblock) blocks.push(indentLines(inlineText(node), indent))
    else if (node.type.name == "horizontal_rule") blocks.push(indent + "---")
    else if (node.type.name == "bullet_list" || node.type.name == "ordered_list") blocks.push(listText(node, indent))
    else blocks.push(...blocksText(node, indent))
  })
  return blocks
}

function listText(list: Node, indent: string): string {
  const items: string[] = []
  list.forEach((item, _offset, index) => {
    const marker = list.type.name == "ordered_list" ? `${list.attrs.order + index}. ` : "- "
    const inner = blocksText(item, indent + " ".repeat(marker.length)).join("\n")
    items.push(indent + marker + inner.slice(indent.length + marker.length))
  })
  return items.join("\n")
}

function inlineText(textblock: Node): string {
  let text = ""
  textblock.forEach(child => {
    text += child.isText ? child.text : child.type.name == "hard_break" ? "\n" : ""
  })
  return text
}

function indentLines(text: string, indent: string): string {
  return text.split("\n").map(line => indent + line).join("\n")
}
