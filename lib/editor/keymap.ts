import { chainCommands, exitCode } from "prosemirror-commands"
import { undoInputRule } from "prosemirror-inputrules"
import { liftListItem, sinkListItem, splitListItem } from "prosemirror-schema-list"
import type { Command } from "prosemirror-state"
import { schema } from "../schema"
import { setBlock, toggleBlockquote, toggleList, toggleMarkNamed } from "./commands"
import { redoOwn, undoOwn } from "./own-undo"

const { nodes } = schema

/**
 * `command`, taking its key whether or not it applies: prosemirror-keymap tries a shifted letter's
 * binding without Shift when the shifted one declines, so Ctrl+Shift+Z with nothing to redo (the key
 * arriving as "z", with Caps Lock say) undid instead.
 */
const taking = (command: Command): Command => (state, dispatch, view) => {
  command(state, dispatch, view)
  return true
}

const insertHardBreak: Command = (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView())
  return true
}

/**
 * Concord's key bindings, to be placed before prosemirror-commands' baseKeymap: history, marks,
 * block types (Google Docs' Mod-Alt-0..3), lists (Enter splits an item, Tab and Shift-Tab nest and
 * unnest), and Shift-Enter for a line break.
 */
export function buildKeymap(): Record<string, Command> {
  return {
    "Mod-z": undoOwn,
    "Shift-Mod-z": taking(redoOwn),
    "Mod-y": redoOwn,
    Backspace: undoInputRule,
    "Mod-b": toggleMarkNamed("strong"),
    "Mod-i": toggleMarkNamed("em"),
    "Mod-`": toggleMarkNamed("code"),
    "Mod-Shift-x": toggleMarkNamed("strike"),
    "Mod-Alt-0": setBlock(nodes.paragraph),
    "Mod-Alt-1": setBlock(nodes.heading, { level: 1 }),
    "Mod-Alt-2": setBlock(nodes.heading, { level: 2 }),
    "Mod-Alt-3": setBlock(nodes.heading, { level: 3 }),
    "Mod-Shift-7": toggleList(nodes.ordered_list),
    "Mod-Shift-8": toggleList(nodes.bullet_list),
    "Mod-Shift-9": toggleBlockquote,
    "Shift-Enter": chainCommands(exitCode, insertHardBreak),
    "Mod-Enter": chainCommands(exitCode, insertHardBreak),
    Enter: splitListItem(nodes.list_item),
    Tab: sinkListItem(nodes.list_item),
    "Shift-Tab": liftListItem(nodes.list_item)
  }
}
