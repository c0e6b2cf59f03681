import type { RestoredVersion } from "../protocol/messages"

const clock: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit" }
const formats = new Map<string, Intl.DateTimeFormat>()

// One formatter per locale and shape: making one per call (as toLocaleTimeString does) is slow.
function format(time: number, options: Intl.DateTimeFormatOptions, locale: string | undefined): string {
  const key = `${locale ?? ""}|${"day" in options}`
  let formatter = formats.get(key)
  if (!formatter) formats.set(key, (formatter = new Intl.DateTimeFormat(locale, options)))
  return formatter.format(time)
}

/**
 * When a version was committed, in the viewer's locale: the clock time as the history shows every
 * entry's ("10:21:26"), with the date in front when it was not on the day of `now`.
 */
export function versionTime(time: number, now: number = Date.now(), locale?: string): string {
  const day = (t: number) => new Date(t).toDateString()
  return day(time) == day(now) ? format(time, clock, locale) : format(time, { day: "numeric", month: "short", year: "numeric", ...clock }, locale)
}

/** What a restore did, in plain words: "restored the version of 10:21:26" (see versionTime). */
export function restoreWords(restored: RestoredVersion, now?: number, locale?: string): string {
  return `restored the version of ${versionTime(restored.time, now, locale)}`
}

/** The precise account of a restore: "brought back v12 (committed 2026-12-07T10:21:26.000Z) as v20". */
export function restoreDetails(restored: RestoredVersion, version: number): string {
  return `brought back v${restored.version} (committed ${new Date(restored.time).toISOString()}) as v${version}`
}
