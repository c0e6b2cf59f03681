import type { Node } from "prosemirror-model"
import {
  modes, resolveConflict, runOperationalTransform, runVersionVectors, strategies, strategyNames, versionVectorConflicts, versionVectorTexts,
  type ConflictVersion, type Outcome, type Scenario, type StrategyName, type VersionVectorState
} from "../strategies"

/** A person's choice for a block the version-vector strategy kept in several versions. */
export interface Resolution {
  block: string
  /** The text kept; null keeps the block's deletion. */
  text: string | null
  /** Whose copy the choice was made on. */
  leader: string
  /** The leader whose version was kept, or null for a merge typed by the person. */
  kept: string | null
  /**
   * The versions the choice discarded, as resolveInRun found them: every version but the one kept
   * (none for a merge, which the person typed from all of them).
   */
  discarded?: ConflictVersion[]
}

/** One replay of a scenario under every strategy (invariant 6), and what people resolved since. */
export interface LabRun {
  scenario: Scenario
  outcomes: Record<StrategyName, Outcome>
  /** Each leader's document under OT at the end, which the lab's editors show. */
  docs: Record<string, Node>
  /** The version-vector strategy's state, with the resolutions applied. */
  versionVectors: VersionVectorState
  resolutions: Resolution[]
}

/** Replay `scenario` under every strategy, in the lab's order. Throws a RangeError for an invalid scenario. */
export function runLab(scenario: Scenario): LabRun {
  const outcomes = {} as Record<StrategyName, Outcome>
  let docs: Record<string, Node> = {}
  let versionVectors: VersionVectorState | null = null
  for (const name of strategyNames) {
    // The lab also shows each leader's document under transformed steps, and replays resolutions by hand.
    if (modes[name].carries == "steps") ({ outcome: outcomes[name], docs } = runOperationalTransform(scenario))
    else if (modes[name].resolvesByHand) ({ outcome: outcomes[name], state: versionVectors } = runVersionVectors(scenario))
    else outcomes[name] = strategies[name].run(scenario)
  }
  return { scenario, outcomes, docs, versionVectors: versionVectors!, resolutions: [] }
}

/**
 * The leader on whose copy a conflict on `block` can be resolved: `preferred` when their copy holds
 * the block's versions, else the first leader whose copy does, or null when none does (the network
 * is split and the versions have not met yet).
 */
export function conflictResolver(state: VersionVectorState, block: string, preferred: string): string | null {
  const holds = (leader: string) => (state.replicas[leader]?.blocks[block]?.length ?? 0) > 1
  return holds(preferred) ? preferred : state.leaders.find(holds) ?? null
}

/** The run after a person resolved a version-vector conflict (resolveConflict). Throws a RangeError when there is no such conflict. */
export function resolveInRun(run: LabRun, resolution: Resolution): LabRun {
  const versions = versionVectorConflicts(run.versionVectors).find(c => c.block == resolution.block)?.versions ?? []
  const versionVectors = resolveConflict(run.versionVectors, { block: resolution.block, text: resolution.text, leader: resolution.leader })
  const discarded = resolution.kept == null && resolution.text != null ? [] : versions.filter(v => !keeps(resolution, v))
  return { ...run, versionVectors, resolutions: [...run.resolutions, { ...resolution, discarded }] }
}

/** True when `resolution` keeps `version`: it is the version picked, or says the same (a deletion, or the same text). */
function keeps(resolution: Resolution, version: ConflictVersion): boolean {
  if (resolution.text == null) return !!version.deleted
  return !version.deleted && (version.leader == resolution.kept || version.text == resolution.text)
}

/**
 * What a strategy's column shows: the replay's outcome, and for version vectors the final texts,
 * conflicts and convergence as people's resolutions left them.
 */
export function shownOutcome(run: LabRun, name: StrategyName): Outcome {
  const outcome = run.outcomes[name]
  if (!modes[name].resolvesByHand || run.resolutions.length == 0) return outcome
  const state = run.versionVectors
  const finalTexts = versionVectorTexts(state)
  const conflicts = versionVectorConflicts(state)
  const [first, ...rest] = Object.values(state.replicas).map(r => JSON.stringify(Object.entries(r.blocks).sort()))
  const texts = Object.values(finalTexts)
  const converged = rest.every(r => r == first) && texts.every(t => t == texts[0])
  return { ...outcome, finalTexts, conflicts, converged }
}
