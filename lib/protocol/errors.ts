/**
 * Stable error codes, grouped as in ShareDB: a non-fatal client error rejects one message and the
 * connection carries on; a fatal client error ends the connection; an internal error is the hub's fault.
 */
export const errorCodes = {
  ERR_INVALID_MESSAGE: "client",
  ERR_UNKNOWN_DOCUMENT: "client",
  ERR_DOCUMENT_EXISTS: "client",
  ERR_NOT_JOINED: "client",
  ERR_VERSION_FROM_FUTURE: "client",
  ERR_VERSION_TOO_OLD: "client",
  ERR_STEP_INVALID: "client",
  ERR_SCHEMA_VIOLATION: "client",
  ERR_BATCH_TOO_LARGE: "client",
  ERR_DOCUMENT_TOO_LARGE: "client",
  ERR_SEQ_REUSED: "client",
  ERR_SEQ_IN_FLIGHT: "client",
  ERR_SEQ_GAP: "client",
  ERR_CLIENT_ID_TAKEN: "client",
  ERR_MESSAGE_TOO_LARGE: "client",
  ERR_STRATEGY_MISMATCH: "client",
  ERR_STALE_VERSION_VECTOR: "client",
  ERR_UPDATE_TOO_LARGE: "client",
  ERR_UPDATE_INVALID: "client",
  ERR_ACCESS_DENIED: "client",
  ERR_READ_ONLY: "client",
  ERR_NOT_OWNER: "client",
  ERR_RATE_LIMITED: "client",
  ERR_INTERNAL: "internal",
  ERR_STORAGE: "internal",
  ERR_COMMIT_CONFLICT: "internal",
  ERR_SHUTTING_DOWN: "internal",
  /** The hub that commits the document could not be reached to forward a batch to (it is taken over and the batch tried again). */
  ERR_HUB_UNREACHABLE: "internal",
  /** Never on the wire: this browser's IndexedDB refused (its quota, private mode). */
  ERR_LOCAL_STORAGE: "internal",
  /** Never on the wire: a file to import that is not Markdown or HTML, does not fit the schema, or is too large to send as one edit. */
  ERR_IMPORT_REFUSED: "client"
} as const

/** One of the stable error codes. */
export type ErrorCode = keyof typeof errorCodes

/** The JSON form of an error as it crosses the wire. */
export interface ErrorJSON {
  code: ErrorCode
  message: string
  /** ERR_RATE_LIMITED: how long to wait before asking again. */
  retryAfterMs?: number
}

/** The one error type of Concord: a stable code plus a human-readable message. */
export class ConcordError extends Error {
  override readonly name = "ConcordError"

  /** ERR_RATE_LIMITED: how long to wait before asking again. */
  readonly retryAfterMs: number | undefined

  constructor(readonly code: ErrorCode, message: string, options: { retryAfterMs?: number } = {}) {
    super(message)
    this.retryAfterMs = options.retryAfterMs
  }

  /** Whether the code means the client sent something wrong, the connection ended, or the hub failed. */
  get kind(): "client" | "fatal" | "internal" {
    return errorCodes[this.code]
  }

  toJSON(): ErrorJSON {
    const json: ErrorJSON = { code: this.code, message: this.message }
    if (this.retryAfterMs != null) json.retryAfterMs = this.retryAfterMs
    return json
  }

  /** Rebuild an error received over the wire. Throws RangeError for anything that is not an ErrorJSON. */
  static fromJSON(json: unknown): ConcordError {
    const value = json as Partial<ErrorJSON> | null
    if (!value || typeof value.code != "string" || !(value.code in errorCodes) || typeof value.message != "string")
      throw new RangeError("Invalid input for ConcordError.fromJSON")
    const retryAfterMs = typeof value.retryAfterMs == "number" && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined
    return new ConcordError(value.code as ErrorCode, value.message, { retryAfterMs })
  }

  /** Wrap anything thrown into a ConcordError, keeping one that already is. */
  static from(error: unknown, code: ErrorCode = "ERR_INTERNAL"): ConcordError {
    if (error instanceof ConcordError) return error
    return new ConcordError(code, error instanceof Error ? error.message : String(error))
  }
}
