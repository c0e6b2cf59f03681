export { schema, isAllowedHref, allowedLinkSchemes } from "./schema"
export { newBlockId, blocksNeedingIds, assignBlockIds, appendBlockIds } from "./block-ids"
export { checkStepContent } from "./validate-step"
export { compactJSON, type NodeJSON } from "./compact-json"
