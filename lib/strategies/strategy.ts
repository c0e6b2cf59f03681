import type { StrategyName } from "../protocol/messages"
import type { Scenario } from "./scenario"

export type { StrategyName }

/** A write a strategy threw away in favour of another that had not seen it. */
export interface Overwrite {
  /** The leader whose write was discarded, and the one whose write was kept. */
  loser: string
  winner: string
  /** The block both wrote; absent when the whole document was the unit. */
  block?: string
  /** The characters typed in the discarded write that went with it. */
  lostText: string
  /** The two writes' times as their leaders' clocks stamped them ("HH:MM:SS"); empty for a person's resolution. */
  loserTime: string
  winnerTime: string
  /** Why the strategy kept the winner, in plain language. */
  reason: string
  /** The scenario events whose edits the discarded write carried and the kept one did not. */
  edits: number[]
}

/** One of the versions of a block kept side by side. */
export interface ConflictVersion {
  leader: string
  text: string
  /** True when this version is the block's deletion. */
  deleted?: boolean
  /** The version's version vector, for strategies that keep one. */
  vector?: Readonly<Record<string, number>>
  /** The scenario event that wrote this version. */
  event?: number
}

/** A block with concurrent versions that the strategy cannot order: waiting for a person to choose or merge. */
export interface Conflict {
  block: string
  versions: ConflictVersion[]
}

/** An edit some of whose typed characters are gone, though nobody who saw them deleted them. */
export interface LostEdit {
  event: number
  leader: string
  /** The characters lost, in the order they were typed. */
  lostText: string
  /** The text the edit deleted that the strategy brought back, when it did (losses.ts). */
  undone?: string
  reason: string
}

/** A word one edit typed that came out with other text inside it (broken-words.ts). */
export interface BrokenWord {
  event: number
  leader: string
  /** The word as typed, and the stretch of the final text from its first surviving character to its last. */
  word: string
  shownAs: string
}

/** A word of the final text made of concurrent edits' characters, which nobody wrote (spliced-words.ts). */
export interface SplicedWord {
  /** The word as it came out. */
  word: string
  /** The leaders whose edits it mixes, in the order of their edits. */
  leaders: string[]
  /** The first two edit events in it that had not seen each other. */
  events: [number, number]
}

/** What became of a scenario under one strategy. */
export interface Outcome {
  strategy: StrategyName
  /** Each leader's final document text, blocks joined by "\n". */
  finalTexts: Record<string, string>
  /** True when every leader ends with the same document. */
  converged: boolean
  /** Typed characters lost (see losses.ts for the rule), and the edits that lost characters or had their deletion undone. */
  charsLost: number
  editsLost: number
  lost: LostEdit[]
  /** Typed words that came out interleaved with text whose writer had not seen them (see broken-words.ts), and the words. */
  wordsBroken: number
  broken: BrokenWord[]
  /** Words of the final text made of edits that had not seen each other (see spliced-words.ts), and the words. */
  wordsSpliced: number
  spliced: SplicedWord[]
  overwritten: Overwrite[]
  conflicts: Conflict[]
  /** What happened, step by step, in plain language. */
  log: string[]
}

/**
 * A conflict strategy: replays a scenario's edits under its own rules and reports what survived.
 * `run` is pure and deterministic; it throws a RangeError for an invalid scenario.
 */
export interface Strategy {
  name: StrategyName
  label: string
  /** One or two sentences on how the strategy merges concurrent edits. */
  description: string
  run(scenario: Scenario): Outcome
}
