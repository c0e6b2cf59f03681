import { Slice } from "prosemirror-model"
import { Mapping, ReplaceStep } from "prosemirror-transform"

/**
 * Classic text OT never deletes text it did not see: when a deletion is transformed past concurrent
 * inserts that landed inside its range, it deletes around them. ProseMirror's mapping widens the
 * deletion over them instead. Given a replace step, its mapped form and the mapping used (whose maps
 * `concurrentFrom` to `concurrentTo` are the concurrent changes), return the pieces to apply instead,
 * right to left so each applies to the document the previous one left, or null when nothing concurrent
 * was inserted inside the range. The step's own inserted content goes with the leftmost piece.
 */
export function deleteAroundInsertions(step: ReplaceStep, mapped: ReplaceStep, mapping: Mapping, concurrentFrom: number, concurrentTo: number): ReplaceStep[] | null {
  if (step.from == step.to || mapped.from == mapped.to) return null
  const before = mapping.slice(0, concurrentFrom)
  let from = before.map(step.from, 1)
  let to = before.map(step.to, -1)
  const kept: [number, number][] = []
  for (let k = concurrentFrom; k < concurrentTo && from < to; k++) {
    const map = mapping.maps[k]
    map.forEach((oldStart, oldEnd, newStart, newEnd) => {
      if (newEnd > newStart && oldStart > from && oldEnd < to) {
        const rest = mapping.slice(k + 1)
        kept.push([rest.map(newStart, 1), rest.map(newEnd, -1)])
      }
    })
    from = map.map(from, 1)
    to = map.map(to, -1)
  }
  const inside = kept
    .map(([a, b]): [number, number] => [Math.max(a, mapped.from), Math.min(b, mapped.to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0])
  if (!inside.length) return null
  const pieces: [number, number][] = []
  let at = mapped.from
  for (const [a, b] of inside) {
    if (a > at) pieces.push([at, a])
    at = Math.max(at, b)
  }
  if (mapped.to > at) pieces.push([at, mapped.to])
  if (!pieces.length || pieces[0][0] != mapped.from) pieces.unshift([mapped.from, mapped.from])
  return pieces.reverse().map(([a, b], i, all) => new ReplaceStep(a, b, i == all.length - 1 ? mapped.slice : Slice.empty))
    .filter(piece => piece.from < piece.to || piece.slice.size > 0)
}
