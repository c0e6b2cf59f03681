import { baseKeymap } from "prosemirror-commands"
import { dropCursor } from "prosemirror-dropcursor"
import { gapCursor } from "prosemirror-gapcursor"
import { keymap } from "prosemirror-keymap"
import type { Plugin } from "prosemirror-state"
import { yUndoPlugin } from "y-prosemirror"
import type { RemotePresence } from "../client/remote-presence"
import { blockIdPlugin } from "./block-id-plugin"
import { clipboardPlugin } from "./clipboard-plugin"
import { conflictPlugin } from "./conflict-plugin"
import { undoHistory } from "./undo-history"
import { buildInputRules } from "./input-rules"
import { buildKeymap } from "./keymap"
import { placeholderPlugin } from "./placeholder-plugin"
import { presencePlugin } from "./presence-plugin"

/** Options for createEditorPlugins. */
export interface EditorPluginOptions {
  /** Other people in the document, read on every view update (DocConnection's `others`). */
  others: () => readonly RemotePresence[]
  /** Shown in an empty document. */
  placeholder?: string
  /** "yjs" on CRDT documents: undo goes through y-prosemirror's undo manager (of this user's own edits). */
  undo?: "prosemirror" | "yjs"
}

/**
 * The plugins of Concord's editor: input rules, key bindings, drop and gap cursors, undo history (of
 * this user's own edits, undoHistory), block ids, other people's carets, a placeholder, the conflicts
 * of version-vector documents, and paste of sanitized HTML and of Markdown.
 */
export function createEditorPlugins(options: EditorPluginOptions): Plugin[] {
  const yjs = options.undo == "yjs"
  return [
    buildInputRules(),
    keymap(buildKeymap()),
    keymap(baseKeymap),
    dropCursor({ color: "#3b5bdb", width: 2 }),
    gapCursor(),
    ...(yjs ? [yUndoPlugin()] : undoHistory()),
    conflictPlugin(),
    blockIdPlugin(),
    presencePlugin(options.others),
    placeholderPlugin(options.placeholder ?? "Start writing…"),
    clipboardPlugin()
  ]
}
