export * from "./messages"
export { ConcordError, errorCodes, type ErrorCode, type ErrorJSON } from "./errors"
export { limits, docIdPattern } from "./limits"
export { parse } from "./validate"
