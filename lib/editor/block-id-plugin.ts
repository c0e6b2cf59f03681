import { Plugin, PluginKey } from "prosemirror-state"
import { appendBlockIds } from "../schema"

/** The key of the block id plugin. */
export const blockIdKey = new PluginKey("concord-block-ids")

/** Keeps every block's id present and unique after each change (new blocks, splits, pastes). */
export function blockIdPlugin(): Plugin {
  return new Plugin({ key: blockIdKey, appendTransaction: appendBlockIds })
}
