import { Plugin, PluginKey, type EditorState } from "prosemirror-state"
import { Decoration, DecorationSet, type EditorView } from "prosemirror-view"
import type { VvSibling } from "../protocol/messages"
import { mergedBlock, resolveConflict } from "./resolve-conflict"

/** The key of the conflict plugin. */
export const conflictKey = new PluginKey<DecorationSet>("concord-conflicts")

function versionText(view: EditorView, version: VvSibling): string {
  if (!version.node) return ""
  const node = view.state.schema.nodeFromJSON(version.node)
  return node.textBetween(0, node.content.size, "\n", "\n")
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  el.className = className
  if (text != null) el.textContent = text
  return el
}

/**
 * The panel under a block in conflict: every version side by side and, in an editable view, "Keep
 * this version" on each and a merge box (a read-only page shows the versions only).
 */
function conflictPanel(view: EditorView, id: string, versions: readonly VvSibling[]): HTMLElement {
  const editable = view.editable
  const resolve = (choice: Parameters<typeof resolveConflict>[2]) => {
    const tr = resolveConflict(view.state, id, choice)
    if (tr) view.dispatch(tr)
  }
  const panel = element("div", "conflict-panel")
  panel.contentEditable = "false"
  panel.dataset.testid = "conflict"
  panel.dataset.block = id
  panel.append(element("p", "conflict-title", `Edited in ${versions.length} places at once${editable ? ": pick a version or merge them" : ""}`))
  const row = element("div", "conflict-versions")
  for (const version of versions) {
    const card = element("div", "conflict-version")
    card.dataset.testid = "conflict-version"
    const who = element("span", "conflict-author", `${version.author.name}'s version`)
    who.style.borderColor = version.author.color
    const text = element("p", version.node ? "conflict-text" : "conflict-text is-deleted", version.node ? versionText(view, version) : "(deleted the paragraph)")
    text.dataset.testid = "conflict-text"
    card.append(who, text)
    if (editable) {
      const pick = element("button", "button conflict-pick", "Keep this version")
      pick.type = "button"
      pick.dataset.testid = "conflict-pick"
      pick.addEventListener("click", () => resolve(version.node))
      card.append(pick)
    }
    row.append(card)
  }
  panel.append(row)
  if (!editable) return panel
  const merge = element("div", "conflict-merge")
  const box = element("textarea", "conflict-merge-text")
  box.dataset.testid = "conflict-merge-text"
  box.value = versions.map(v => versionText(view, v)).filter(Boolean).join(" ")
  box.setAttribute("aria-label", "Merged text")
  const use = element("button", "button conflict-merge-use", "Use this merge")
  use.type = "button"
  use.dataset.testid = "conflict-merge"
  use.addEventListener("click", () => resolve(mergedBlock(view.state, id, box.value)))
  merge.append(box, use)
  panel.append(merge)
  return panel
}

function decorations(state: EditorState): DecorationSet {
  const found: Decoration[] = []
  state.doc.forEach((node, pos) => {
    const versions = node.attrs.conflict as VvSibling[] | null
    const id = node.attrs.id as string | null
    if (!versions || !id) return
    found.push(Decoration.node(pos, pos + node.nodeSize, { class: "block-in-conflict" }))
    found.push(Decoration.widget(pos + node.nodeSize, view => conflictPanel(view, id, versions), {
      side: -1, key: `conflict-${id}-${JSON.stringify(versions)}`, stopEvent: () => true, ignoreSelection: true
    }))
  })
  return DecorationSet.create(state.doc, found)
}

/**
 * Shows the blocks of a version-vector document that are in conflict: the block is marked and, under
 * it, every version side by side with a button to keep it, and a box to write a merge. Picking or
 * merging dispatches a resolution (resolveConflict) that dominates every version.
 */
export function conflictPlugin(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: conflictKey,
    state: {
      init: (_, state) => decorations(state),
      apply: (tr, old, _oldState, state) => (tr.docChanged ? decorations(state) : old)
    },
    props: { decorations: state => conflictKey.getState(state) }
  })
}
