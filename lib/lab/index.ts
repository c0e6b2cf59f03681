export { blockEdits, textChange, applyEdits, type BlockEditsResult, type TextChange } from "./block-edits"
export {
  recordEdits, recordNetwork, combineTextEdits, isSplit, lastEventAt, withClockSkew, withLeader, withoutLeader, usedBlockIds, newBlockIdFor,
  freshRecording, typingBurstMs
} from "./recording"
export { runLab, resolveInRun, shownOutcome, conflictResolver, type LabRun, type Resolution } from "./lab-run"
export { labReducer, initialLabState, recordingName, type LabState, type LabAction, type LabSource } from "./lab-state"
export { columnVerdict, type ColumnVerdict } from "./column-verdict"
export { labEditorPlugins, withoutBlockIds } from "./editor-plugins"
export { leaderColors, leaderColor, extraLeaderNames } from "./leader-colors"
