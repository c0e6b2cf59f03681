export { strategies, strategyNames, modes, runAll } from "./registry"
export type { Strategy, StrategyName, Outcome, Overwrite, Conflict, ConflictVersion, LostEdit, BrokenWord, SplicedWord } from "./strategy"
export {
  validateScenario, parseScenario, scenarioFromJSON, scenarioToJSON, serializeScenario, startDocument, startBlockIds, insertedBlockId, maxTracedChars,
  type Scenario, type ScenarioCheck, type ScenarioEvent, type ScenarioLeader, type EditEvent, type PartitionEvent, type HealEvent
} from "./scenario"
export { applyEdit, blockText, docText, type Edit, type EditResult, type ResolvedEdit, type BlockRef, type ReplaceTextEdit, type InsertBlockEdit, type DeleteBlockEdit } from "./edit"
export { builtInScenarios, sharedHeadline, sharedList, differentParagraphs, longOffline, clockSkew, editVersusDelete } from "./scenarios"
export { runOperationalTransform } from "./ot/lab"
export {
  runVersionVectors, resolveConflict, versionVectorConflicts, versionVectorTexts, versionVectorDoc, shownSibling,
  type VersionVectorState, type VersionVectorReplica, type VersionVectorWrite, type Sibling
} from "./vv/lab"
export { compareVectors, mergeVectors, formatVector, type VersionVector } from "./vv/vectors"
export { findLostEdits, silentRemoval, type LossInput } from "./losses"
export { findBrokenWords, type BrokenWordInput } from "./broken-words"
export { findSplicedWords, type SplicedWordInput } from "./spliced-words"
export { EditKnowledge } from "./edit-knowledge"
export { clockTime, duration, defaultStartTime } from "./clock"
export { blockNamer } from "./block-names"
export { capitalized } from "./replay"
