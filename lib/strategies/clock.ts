/** The wall-clock time a scenario starts at, unless it names another. */
export const defaultStartTime = "17:00:00"

const dayMs = 24 * 60 * 60 * 1000

/** Milliseconds since midnight of an "HH:MM:SS" time, or null when `time` is not one. */
export function parseClockTime(time: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.exec(time)
  return match ? ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000 : null
}

/**
 * The wall-clock time `ms` after `startTime`, as "HH:MM:SS" (with ".mmm" when it falls between
 * seconds), wrapping at midnight. A leader's clock stamp is its scenario time plus its skew.
 */
export function clockTime(ms: number, startTime: string = defaultStartTime): string {
  const base = parseClockTime(startTime) ?? parseClockTime(defaultStartTime)!
  const t = (((base + Math.round(ms)) % dayMs) + dayMs) % dayMs
  const pad = (n: number, width = 2) => String(n).padStart(width, "0")
  const seconds = Math.floor(t / 1000)
  const text = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`
  return t % 1000 ? `${text}.${pad(t % 1000, 3)}` : text
}

/** A length of time in words: "5 minutes", "1 minute 50 seconds", "250 ms". */
export function duration(ms: number): string {
  const abs = Math.abs(Math.round(ms))
  if (abs < 1000) return `${abs} ms`
  const parts: string[] = []
  const units: [number, string][] = [[3_600_000, "hour"], [60_000, "minute"], [1000, "second"]]
  let rest = abs
  for (const [size, name] of units) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n) parts.push(`${n} ${name}${n == 1 ? "" : "s"}`)
  }
  return parts.join(" ")
}
