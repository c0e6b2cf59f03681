export { createEditorPlugins, type EditorPluginOptions } from "./plugins"
export { buildKeymap } from "./keymap"
export { buildInputRules } from "./input-rules"
export { blockIdPlugin, blockIdKey } from "./block-id-plugin"
export { presencePlugin, presenceKey } from "./presence-plugin"
export { placeholderPlugin } from "./placeholder-plugin"
export {
  markActive, blockActive, ancestorOf, setBlock, toggleBlock, toggleList, toggleBlockquote, toggleMarkNamed,
  normalizeHref, setLink, removeLink, linkActive
} from "./commands"
export { markItems, blockItems, wrapItems, historyItems, describeShortcut, type ToolbarItem } from "./toolbar-items"
export { undoOwn, redoOwn, ownUndoStep } from "./own-undo"
