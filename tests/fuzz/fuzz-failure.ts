import type { Attack } from "./hostile-messages"

/** A broken invariant: which one, under which attack class, with the message that broke it when one did. */
export interface FuzzFailure {
  seed: number
  /** The invariant, in words ("refused message changed the document"). */
  invariant: string
  /** The attack class (Attack.kind), or what happened when no message is to blame. */
  kind: string
  detail: string
  attack?: Attack
}

/** The class failures are counted under in a report: the invariant and the attack kind. */
export function failureClass(failure: FuzzFailure): string {
  return `${failure.invariant} | ${failure.kind}`
}

// Long strings, binary and deep nesting shortened, so that a failure prints in a few lines and can still be replayed by hand.
function shortened(value: unknown, depth = 0): unknown {
  if (typeof value == "string") return value.length > 120 ? `<${value.length} chars: ${JSON.stringify(value.slice(0, 24))}...>` : value
  if (typeof value == "number" && !Number.isFinite(value)) return `<${value}>`
  if (Object.is(value, -0)) return "<-0>"
  if (ArrayBuffer.isView(value)) return `<binary ${value.byteLength} bytes>`
  if (!value || typeof value != "object") return value
  if (depth > 6) return "<nested deeper>"
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map(v => shortened(v, depth + 1))
    return value.length > 8 ? [...items, `<${value.length - 8} more>`] : items
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortened(v, depth + 1)]))
}

/** The message of an attack as it was sent, shortened for printing. */
export function formatAttack(attack: Attack): string {
  if (attack.raw != null) return `raw packet ${JSON.stringify(attack.raw)}`
  return `${attack.event} ${JSON.stringify(shortened(attack.args.length == 1 ? attack.args[0] : attack.args))}`
}

/** A failure in a few lines: seed, invariant, class, what was seen, and the message to replay. */
export function formatFailure(failure: FuzzFailure): string {
  const lines = [`seed ${failure.seed}: ${failure.invariant}`, `  class: ${failure.kind}`, `  ${failure.detail}`]
  if (failure.attack) {
    lines.push(`  message: ${formatAttack(failure.attack)}`)
    if (failure.attack.reason) lines.push(`  must be refused because: ${failure.attack.reason}`)
  }
  return lines.join("\n")
}

/** Failures grouped by class, each with how often it happened and its first occurrence, most frequent first. */
export function failureReport(failures: readonly FuzzFailure[]): { klass: string; count: number; first: FuzzFailure }[] {
  const classes = new Map<string, { klass: string; count: number; first: FuzzFailure }>()
  for (const failure of failures) {
    const klass = failureClass(failure)
    const entry = classes.get(klass)
    if (entry) entry.count++
    else classes.set(klass, { klass, count: 1, first: failure })
  }
  return [...classes.values()].sort((a, b) => b.count - a.count || a.klass.localeCompare(b.klass))
}
