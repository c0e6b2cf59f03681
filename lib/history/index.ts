export { HistoryLog } from "./history-log"
export { isKeystrokeOp, TypingRun, describeTyping, placeOf, type TypingResult } from "./typing-run"
export {
  groupTimeline, filterTimeline, summarizeOp, isMerged, authorKey, authorsOf,
  type TimelineEntry, type TimelineFilter, type GroupOptions
} from "./timeline"
export { explainMerge, listWords, type MergeExplanation } from "./merge-explanation"
export { droppedContents, blameDropped, describeDropped, restoreDropped, type DroppedContent, type DroppedBlame } from "./dropped-content"
export { restoreVersion } from "./restore-version"
export { lostWrites, restoreLostWrite, type LostWrite } from "./lost-write"
export { Authorship, type AuthorSpan } from "./authorship"
export { landedRanges, mergeHighlights, type HighlightRange } from "./merge-highlight"
export { historyHighlightPlugin, historyHighlightKey, setHistoryHighlights } from "./highlight-plugin"
export { VersionCache } from "./version-cache"
export { replay } from "./replay"
export { fetchedVersion } from "./fetched-version"
export { VersionTravel, type TravelState, type TravelOptions } from "./version-travel"
export type { HistorySource } from "./history-source"
export { HistoryModel, type HistorySnapshot, type DroppedView, type LostWriteView, type HistoryModelOptions } from "./history-model"
