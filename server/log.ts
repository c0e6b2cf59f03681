import { pino, type DestinationStream, type Logger } from "pino"

/** pino's logger: `log.warn({ ...fields }, "event-name")`, and `log.child({ docId })` for lines about one document. */
export type { Logger } from "pino"

/** The levels CONCORD_LOG_LEVEL accepts, quietest first. */
export const logLevels = ["silent", "error", "warn", "info", "debug"] as const
/** One of `logLevels`. */
export type LogLevel = (typeof logLevels)[number]

/**
 * The server's logger (pino) at `level` (default: CONCORD_LOG_LEVEL, else "warn"): one JSON object per
 * line, `msg` naming the event, written synchronously to stderr (or `destination`) so that the last lines
 * before a crash are not lost. Throws a RangeError for a level not in `logLevels`.
 */
export function createLogger(level: string = process.env.CONCORD_LOG_LEVEL || "warn", destination?: DestinationStream): Logger {
  if (!(logLevels as readonly string[]).includes(level)) throw new RangeError(`CONCORD_LOG_LEVEL must be one of ${logLevels.join(", ")} (got ${level})`)
  return pino({
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: label => ({ level: label }) }
  }, destination ?? pino.destination({ dest: 2, sync: true }))
}
