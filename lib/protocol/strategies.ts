import type { StrategyName } from "./messages"

/** The conflict strategies the hub serves documents under. */
export const hubStrategies: readonly StrategyName[] = ["ot", "lww", "lww-doc", "vv", "crdt"]
