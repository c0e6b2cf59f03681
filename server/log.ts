/** Log levels, quietest first. */
export const logLevels = ["silent", "error", "warn", "info", "debug"] as const
export type LogLevel = (typeof logLevels)[number]

/** A structured logger: one JSON object per line on stderr, at or below the configured level. */
export interface Logger {
  error(event: string, fields?: Record<string, unknown>): void
  warn(event: string, fields?: Record<string, unknown>): void
  info(event: string, fields?: Record<string, unknown>): void
  debug(event: string, fields?: Record<string, unknown>): void
}

/** Make a logger at `level` (default: CONCORD_LOG_LEVEL, else "warn"), writing with `write`. */
export function createLogger(level: string = process.env.CONCORD_LOG_LEVEL ?? "warn", write: (line: string) => void = line => process.stderr.write(line + "\n")): Logger {
  const threshold = Math.max(0, logLevels.indexOf(level as LogLevel))
  const at = (lvl: LogLevel) => (event: string, fields?: Record<string, unknown>) => {
    if (logLevels.indexOf(lvl) <= threshold) write(JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...fields }))
  }
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") }
}
