import { ellipsis, emDash, inputRules, textblockTypeInputRule, wrappingInputRule } from "prosemirror-inputrules"
import type { Plugin } from "prosemirror-state"
import { schema } from "../schema"

const { nodes } = schema

/**
 * Markdown-like shortcuts typed at the start of a block: "# " to "### " headings, "* " or "- " a bullet
 * list, "1. " an ordered list, "> " a blockquote, "```" a code block; plus "..." and "--" typography.
 */
export function buildInputRules(): Plugin {
  return inputRules({
    rules: [
      ellipsis,
      emDash,
      textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading, match => ({ level: match[1].length })),
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
      wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list),
      wrappingInputRule(
        /^(\d{1,6})\.\s$/,
        nodes.ordered_list,
        match => ({ order: Number(match[1]) }),
        (match, node) => node.childCount + node.attrs.order == Number(match[1])
      ),
      textblockTypeInputRule(/^```$/, nodes.code_block)
    ]
  })
}
