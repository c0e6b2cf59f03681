import type { Node } from "prosemirror-model"
import { limits } from "../protocol/limits"

/**
 * The most content (in positions) one step that puts in or takes out whole blocks should carry: a longer
 * run goes in several steps, so that each, and its inverse, fits a message to the hub
 * (limits.maxMessageBytes) with room to spare.
 */
export const maxStepContent = 50_000

/** Where each child of `parent` starts, and after the last where it ends: `childCount + 1` positions. */
export function childStarts(parent: Node): number[] {
  const starts = [0]
  parent.forEach(child => starts.push(starts[starts.length - 1] + child.nodeSize))
  return starts
}

/**
 * Children `from..to` of `parent` in consecutive runs of at most maxStepContent positions and
 * limits.maxSliceNodes nodes (a child larger than that alone), as [start, end) index pairs; one empty
 * run for an empty range.
 */
export function blockChunks(parent: Node, from = 0, to = parent.childCount): [number, number][] {
  const chunks: [number, number][] = [[from, from]]
  let size = 0
  for (let i = from; i < to; i++) {
    const last = chunks[chunks.length - 1]
    const block = parent.child(i)
    if (last[1] > last[0] && (size + block.nodeSize > maxStepContent || last[1] - last[0] == limits.maxSliceNodes)) {
      chunks.push([i, i])
      size = 0
    }
    chunks[chunks.length - 1][1] = i + 1
    size += block.nodeSize
  }
  return chunks
}
