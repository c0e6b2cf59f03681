import type { Command, EditorState } from "prosemirror-state"
import { schema } from "../schema"
import { ancestorOf, blockActive, markActive, setBlock, toggleBlock, toggleBlockquote, toggleList, toggleMarkNamed } from "./commands"
import { redoOwn, undoOwn } from "./own-undo"

const { nodes, marks } = schema

/** One toolbar button: what it runs, when it shows as active, and how it is labelled. */
export interface ToolbarItem {
  /** Stable name; the button's test id is "tb-" + id. */
  id: string
  /** Accessible name and tooltip. */
  title: string
  /** Key binding in prosemirror-keymap notation, shown in the tooltip. */
  shortcut?: string
  command: Command
  active?: (state: EditorState) => boolean
  /** One of the most used buttons, kept on a phone's toolbar; the others go into its "More" menu. */
  phone?: boolean
}

function nearestList(state: EditorState) {
  return ancestorOf(state, [nodes.bullet_list, nodes.ordered_list])?.node.type
}

/** Mark buttons (the link button needs a URL and is built by the toolbar itself). */
export const markItems: readonly ToolbarItem[] = [
  { id: "bold", title: "Bold", shortcut: "Mod-b", phone: true, command: toggleMarkNamed("strong"), active: s => markActive(s, marks.strong) },
  { id: "italic", title: "Italic", shortcut: "Mod-i", phone: true, command: toggleMarkNamed("em"), active: s => markActive(s, marks.em) },
  { id: "strike", title: "Strikethrough", shortcut: "Mod-Shift-x", command: toggleMarkNamed("strike"), active: s => markActive(s, marks.strike) },
  { id: "code", title: "Inline code", shortcut: "Mod-`", command: toggleMarkNamed("code"), active: s => markActive(s, marks.code) }
]

/** Block type buttons. */
export const blockItems: readonly ToolbarItem[] = [
  { id: "paragraph", title: "Normal text", shortcut: "Mod-Alt-0", command: setBlock(nodes.paragraph), active: s => blockActive(s, nodes.paragraph) },
  ...([1, 2, 3] as const).map(level => ({
    id: "h" + level,
    // The button shows "H1": its name says so too, for people who click by saying what they see.
    title: `Heading ${level}, H${level}`,
    shortcut: "Mod-Alt-" + level,
    phone: level == 1,
    command: toggleBlock(nodes.heading, { level }),
    active: (s: EditorState) => blockActive(s, nodes.heading, { level })
  }))
]

/** List, quote and code block buttons. */
export const wrapItems: readonly ToolbarItem[] = [
  { id: "bullet", title: "Bulleted list", shortcut: "Mod-Shift-8", phone: true, command: toggleList(nodes.bullet_list), active: s => nearestList(s) == nodes.bullet_list },
  { id: "ordered", title: "Numbered list", shortcut: "Mod-Shift-7", command: toggleList(nodes.ordered_list), active: s => nearestList(s) == nodes.ordered_list },
  { id: "quote", title: "Quote", shortcut: "Mod-Shift-9", command: toggleBlockquote, active: s => ancestorOf(s, [nodes.blockquote]) != null },
  { id: "codeblock", title: "Code block", command: toggleBlock(nodes.code_block), active: s => blockActive(s, nodes.code_block) }
]

/** Undo and redo of this user's own edits. */
export const historyItems: readonly ToolbarItem[] = [
  { id: "undo", title: "Undo", shortcut: "Mod-z", phone: true, command: undoOwn },
  { id: "redo", title: "Redo", shortcut: "Shift-Mod-z", phone: true, command: redoOwn }
]

/** A key binding as people read it on this platform: "⌘B" on Apple devices, "Ctrl+B" elsewhere. */
export function describeShortcut(shortcut: string, apple: boolean): string {
  const names: Record<string, string> = apple
    ? { Mod: "⌘", Shift: "⇧", Alt: "⌥", Ctrl: "⌃" }
    : { Mod: "Ctrl", Shift: "Shift", Alt: "Alt", Ctrl: "Ctrl" }
  const parts = shortcut.split("-").map(part => names[part] ?? part.toUpperCase())
  return parts.join(apple ? "" : "+")
}
