import { createLogger, type Logger, type LogLevel } from "../../server/log"

/** A logger at `level` that keeps its lines in memory, and those lines parsed, oldest first. */
export function logLines(level: LogLevel): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  return { log: createLogger(level, { write: line => void lines.push(JSON.parse(line)) }), lines }
}
