import * as crdt from "./crdt"
import * as lww from "./lww"
import * as lwwDoc from "./lww-doc"
import type { DocumentMode } from "./mode"
import * as ot from "./ot"
import type { Scenario } from "./scenario"
import type { Outcome, Strategy, StrategyName } from "./strategy"
import * as vv from "./vv"

/** What a strategy's folder provides: its index.ts exports both. */
export interface StrategyModule {
  /** What the hub, the client connection and the page ask of a document served under it. */
  mode: DocumentMode
  /** How the lab replays a recorded scenario under it. */
  lab: Strategy
}

/** Every strategy's folder by name, in the order the lab shows them: the one place that lists them. */
export const registry: Readonly<Record<StrategyName, StrategyModule>> = { ot, crdt, vv, lww, "lww-doc": lwwDoc }

/** The strategies' names, in the order the lab shows them. */
export const strategyNames = Object.keys(registry) as readonly StrategyName[]

function byName<T>(pick: (module: StrategyModule) => T): Readonly<Record<StrategyName, T>> {
  return Object.fromEntries(strategyNames.map(name => [name, pick(registry[name])])) as Record<StrategyName, T>
}

/** Every lab strategy by name. */
export const strategies: Readonly<Record<StrategyName, Strategy>> = byName(module => module.lab)

/** Every document mode by name. */
export const modes: Readonly<Record<StrategyName, DocumentMode>> = byName(module => module.mode)

/** The mode of a document served under `strategy`. */
export function modeOf(strategy: StrategyName): DocumentMode {
  return registry[strategy].mode
}

/** Replay one scenario under every strategy (invariant 6). Throws a RangeError for an invalid scenario. */
export function runAll(scenario: Scenario): Record<StrategyName, Outcome> {
  const outcomes = {} as Record<StrategyName, Outcome>
  for (const name of strategyNames) outcomes[name] = strategies[name].run(scenario)
  return outcomes
}
