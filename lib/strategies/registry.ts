import { crdt } from "./crdt"
import { lww } from "./lww"
import { lwwDoc } from "./lww-doc"
import { ot } from "./ot"
import type { Scenario } from "./scenario"
import type { Outcome, Strategy, StrategyName } from "./strategy"
import { versionVectors } from "./version-vectors"

/** Every strategy by name. */
export const strategies: Readonly<Record<StrategyName, Strategy>> = { ot, lww, "lww-doc": lwwDoc, vv: versionVectors, crdt }

/** The strategies' names, in the order the lab shows them. */
export const strategyNames: readonly StrategyName[] = ["ot", "crdt", "vv", "lww", "lww-doc"]

/** Replay one scenario under every strategy (invariant 6). Throws a RangeError for an invalid scenario. */
export function runAll(scenario: Scenario): Record<StrategyName, Outcome> {
  const outcomes = {} as Record<StrategyName, Outcome>
  for (const name of strategyNames) outcomes[name] = strategies[name].run(scenario)
  return outcomes
}
