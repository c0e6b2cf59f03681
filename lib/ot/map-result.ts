import { MapResult, type StepMap } from "prosemirror-transform"

// MapResult's constructor, its deletion flags and recover value, and StepMap.recover are internal to
// prosemirror-transform, but Mapping's mirrors are made of them; these are the same calls Mapping makes.
const makeResult = MapResult as unknown as new (pos: number, delInfo: number, recover: number | null) => MapResult
type Internals = { delInfo: number; recover: number | null }

/** The deletion flags of a map result, as prosemirror-transform keeps them. */
export function deletionFlags(result: MapResult): number {
  return (result as unknown as Internals).delInfo
}

/** The recover value of a map result: set when the position was inside a range the map replaced. */
export function recoverValue(result: MapResult): number | null {
  return (result as unknown as Internals).recover
}

/** Where a recover value from the inverse of `map` lands in `map`'s result, as Mapping does for mirrors. */
export function recoverPosition(map: StepMap, value: number): number {
  return (map as unknown as { recover(value: number): number }).recover(value)
}

/** A map result with the given position and deletion flags, as Mapping.mapResult returns it. */
export function mapResultOf(pos: number, del: number): MapResult {
  return new makeResult(pos, del, null)
}
