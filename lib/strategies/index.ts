export { strategies, strategyNames, runAll } from "./registry"
export type { Strategy, StrategyName, Outcome, Overwrite, Conflict, ConflictVersion, LostEdit } from "./strategy"
export {
  validateScenario, parseScenario, scenarioFromJSON, scenarioToJSON, serializeScenario, startDocument, startBlockIds, insertedBlockId, maxTracedChars,
  type Scenario, type ScenarioCheck, type ScenarioEvent, type ScenarioLeader, type EditEvent, type PartitionEvent, type HealEvent
} from "./scenario"
export { applyEdit, blockText, docText, type Edit, type EditResult, type ResolvedEdit, type BlockRef, type ReplaceTextEdit, type InsertBlockEdit, type DeleteBlockEdit } from "./edit"
export { builtInScenarios, sharedHeadline, sharedList, differentParagraphs, longOffline, clockSkew, editVersusDelete } from "./scenarios"
export { ot, runOperationalTransform } from "./ot"
export { crdt } from "./crdt"
export { lww } from "./lww"
export { lwwDoc } from "./lww-doc"
export {
  versionVectors, runVersionVectors, resolveConflict, versionVectorConflicts, versionVectorTexts, versionVectorDoc, compareVectors, mergeVectors, formatVector, shownSibling,
  type VersionVector, type VersionVectorState, type VersionVectorReplica, type VersionVectorWrite, type Sibling
} from "./version-vectors"
export { findLostEdits, silentRemoval, type LossInput } from "./losses"
export { clockTime, duration, defaultStartTime } from "./clock"
