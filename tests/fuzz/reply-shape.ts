import { errorCodes } from "../../lib/protocol"

/**
 * What is wrong with an acknowledgement, or null when it is a Reply: `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }` with a code of lib/protocol/errors.ts, and nothing else.
 */
export function replyShapeProblem(reply: unknown): string | null {
  if (!reply || typeof reply != "object" || Array.isArray(reply)) return `the reply is not an object: ${JSON.stringify(reply)}`
  const keys = Object.keys(reply).sort().join(",")
  const { ok, value, error } = reply as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } }
  if (ok === true) return keys == "ok,value" && value !== undefined ? null : `an ok reply must have exactly ok and value, it has ${keys}`
  if (ok !== false) return `ok is ${JSON.stringify(ok)}`
  if (keys != "error,ok") return `a refusal must have exactly ok and error, it has ${keys}`
  if (!error || typeof error != "object") return "error is not an object"
  if (typeof error.code != "string" || !Object.hasOwn(errorCodes, error.code)) return `unknown error code ${JSON.stringify(error.code)}`
  if (typeof error.message != "string") return "error.message is not a string"
  const errorKeys = Object.keys(error).sort().join(",")
  return errorKeys == "code,message" ? null : `error must have exactly code and message, it has ${errorKeys}`
}

/** The reply's error code when it is one of the hub's own failures (internal kind), which client garbage must never cause. */
export function internalCode(reply: unknown): string | null {
  const code = (reply as { ok?: boolean; error?: { code?: string } }).error?.code
  return code && Object.hasOwn(errorCodes, code) && errorCodes[code as keyof typeof errorCodes] == "internal" ? code : null
}
