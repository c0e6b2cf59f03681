import type { Node } from "prosemirror-model"
import { Plugin, PluginKey } from "prosemirror-state"
import { Decoration, DecorationSet } from "prosemirror-view"
import type { RemotePresence } from "../client/remote-presence"
import { safeColor } from "../protocol/author-color"
import { textOn } from "./text-on-color"

/** The key of the presence plugin. */
export const presenceKey = new PluginKey("concord-presence")


/** Another person's caret as the editor draws it: a coloured bar with their name on a label. */
export function caretElement(name: string, color: string): HTMLElement {
  const caret = document.createElement("span")
  caret.className = "remote-caret"
  caret.style.borderColor = color
  const label = document.createElement("span")
  label.className = "remote-caret-label"
  label.style.backgroundColor = color
  label.style.color = textOn(color)
  label.textContent = name
  caret.append("\u2060", label)
  return caret
}

function decorationsFor(presence: RemotePresence, doc: Node): Decoration[] {
  if (!presence.selection) return []
  const size = doc.content.size
  const anchor = Math.min(presence.selection.anchor, size)
  const head = Math.min(presence.selection.head, size)
  const color = safeColor(presence.user.color)
  const { name } = presence.user
  const result = [Decoration.widget(head, () => caretElement(name, color), {
    // The position is part of the key, so that a caret that moved is drawn anew and shows its label again.
    key: `caret:${presence.clientId}:${color}:${name}:${head}`,
    side: 10
  })]
  if (anchor != head) {
    result.push(Decoration.inline(Math.min(anchor, head), Math.max(anchor, head), {
      class: "remote-selection",
      style: `background-color: ${color}33`
    }))
  }
  return result
}

/**
 * Draws other people's carets (a bar in their colour with their name on a label, drawn anew whenever it
 * moves so that a stylesheet can show the label after each move and fade it out) and selections (their
 * colour at low alpha) as decorations. `others` is read on every view update, in the positions of the
 * document the view shows; call `view.updateState` when it changes without the document changing.
 */
export function presencePlugin(others: () => readonly RemotePresence[]): Plugin {
  let cache: { others: readonly RemotePresence[]; doc: Node; set: DecorationSet } | null = null
  return new Plugin({
    key: presenceKey,
    props: {
      decorations(state) {
        const current = others()
        if (cache && cache.others == current && cache.doc == state.doc) return cache.set
        const set = DecorationSet.create(state.doc, current.flatMap(p => decorationsFor(p, state.doc)))
        cache = { others: current, doc: state.doc, set }
        return set
      }
    }
  })
}
