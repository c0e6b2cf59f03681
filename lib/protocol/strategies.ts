import type { StrategyName } from "./messages"

/** The conflict strategies the hub serves documents under; the others run in the conflict lab. */
export const hubStrategies: readonly StrategyName[] = ["ot", "lww", "lww-doc"]
