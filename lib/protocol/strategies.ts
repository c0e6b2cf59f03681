import { z } from "zod"

/**
 * The conflict strategies a document can be served under: the one list of their names. Everything
 * a strategy does is in its folder under lib/strategies, listed once in lib/strategies/registry.ts.
 */
export const strategyName = z.enum(["ot", "lww", "lww-doc", "vv", "crdt"])

/** The name of a conflict strategy. */
export type StrategyName = z.infer<typeof strategyName>

/** The conflict strategies the hub serves documents under (all of them: the lab runs the same ones). */
export const hubStrategies: readonly StrategyName[] = strategyName.options
