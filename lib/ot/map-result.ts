import type { MapResult, StepMap } from "prosemirror-transform"

// Deletion flags, one bit per getter of MapResult. A result whose range was deleted across reports a
// deletion before and after it too, so OR-ing the flags of results gives what their getters report
// together, as Mapping gathers them through its maps.
const DEL_BEFORE = 1, DEL_AFTER = 2, DEL_ACROSS = 4, DEL_SIDE = 8

/** The deletion flags of a map result, read from its public getters; flags of several results combine with `|`. */
export function deletionFlags(result: MapResult): number {
  return (result.deletedBefore ? DEL_BEFORE : 0) | (result.deletedAfter ? DEL_AFTER : 0) |
    (result.deletedAcross ? DEL_ACROSS : 0) | (result.deleted ? DEL_SIDE : 0)
}

/** A mapped position with deletion flags (see deletionFlags), answering as the MapResult it stands for. */
export class MappedPosition implements MapResult {
  constructor(readonly pos: number, private readonly del: number) {}

  get deleted(): boolean {
    return (this.del & DEL_SIDE) > 0
  }

  get deletedBefore(): boolean {
    return (this.del & (DEL_BEFORE | DEL_ACROSS)) > 0
  }

  get deletedAfter(): boolean {
    return (this.del & (DEL_AFTER | DEL_ACROSS)) > 0
  }

  get deletedAcross(): boolean {
    return (this.del & DEL_ACROSS) > 0
  }
}

/**
 * Where a position `offset` into changed range `range` (counted from 0, in StepMap.forEach's order) of a
 * map's inverse lands in the map: `offset` into the same range of its output, as Mapping recovers a
 * position through a mirror.
 */
export function recoveredPosition(map: StepMap, range: number, offset: number): number {
  let index = 0, start = 0
  map.forEach((_oldStart, _oldEnd, newStart) => {
    if (index++ == range) start = newStart
  })
  return start + offset
}
