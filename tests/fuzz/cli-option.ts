/** The non-negative integer after `--name` on the command line, or `fallback`; a RangeError for anything else. */
export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  if (at < 0) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`--${name} needs a non-negative integer, got ${process.argv[at + 1]}`)
  return value
}
