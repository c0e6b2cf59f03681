import type { Prng } from "./prng"

/** A value an attacker puts in a field, with a stable label naming its kind (for failure classes). */
export interface Hostile {
  value: unknown
  label: string
}

// Socket.IO sends JSON: NaN and the infinities arrive as null, -0 as 0. They are sent anyway, since a
// hub must not rely on what a well-behaved encoder does with them.
const numbers: readonly Hostile[] = [
  { value: NaN, label: "NaN" },
  { value: Infinity, label: "Infinity" },
  { value: -Infinity, label: "-Infinity" },
  { value: -0, label: "-0" },
  { value: 1e300, label: "1e300" },
  { value: -1e300, label: "-1e300" },
  { value: -1, label: "negative" },
  { value: -7, label: "negative" },
  { value: 3.5, label: "fractional" },
  { value: 0.5, label: "fractional" },
  { value: 1 + 2 ** -30, label: "fractional" },
  { value: 2 ** 53, label: "2^53" },
  { value: 2 ** 53 + 2, label: "beyond 2^53" },
  { value: -(2 ** 53) - 2, label: "beyond -2^53" },
  { value: Number.MAX_SAFE_INTEGER, label: "2^53-1" },
  { value: Number.MAX_VALUE, label: "MAX_VALUE" },
  { value: Number.MIN_VALUE, label: "MIN_VALUE" },
  { value: 1e9, label: "1e9" }
]

const wrongTypes: readonly Hostile[] = [
  { value: "1", label: "numeric string" },
  { value: "", label: "empty string" },
  { value: true, label: "boolean" },
  { value: null, label: "null" },
  { value: [], label: "empty array" },
  { value: [1, 2], label: "array" },
  { value: {}, label: "empty object" },
  { value: { valueOf: 3, toString: "x" }, label: "object" },
  { value: { $gt: 0 }, label: "object" },
  { value: Buffer.from([0, 1, 2, 255]), label: "binary" }
]

const strings: readonly Hostile[] = [
  { value: "\u0000", label: "NUL string" },
  { value: "\ud800", label: "lone surrogate" },
  { value: "__proto__", label: "__proto__" },
  { value: "constructor", label: "constructor" },
  { value: "toString", label: "toString" },
  { value: "../../etc/passwd", label: "path string" },
  { value: "<script>alert(1)</script>", label: "markup string" },
  { value: "x".repeat(65), label: "65-char string" },
  { value: "é".repeat(40), label: "non-ASCII string" }
]

/** A number no integer field of the protocol holds as it is: non-finite, fractional, negative, unsafe or huge. */
export function hostileNumber(rng: Prng): Hostile {
  return rng.pick(numbers)
}

/** A value of the wrong type for most fields (string for a number, binary, null, containers). */
export function wrongType(rng: Prng): Hostile {
  return rng.pick(wrongTypes)
}

/** A string meant to trip parsers, prototypes or length limits. */
export function hostileString(rng: Prng): Hostile {
  return rng.pick(strings)
}

/** A string of `length` characters (default 10 k to 200 k). */
export function hugeString(rng: Prng, length = rng.between(10_000, 200_000)): Hostile {
  return { value: rng.pick(["a", "\u20ac", "0"]).repeat(length), label: "huge string" }
}

/**
 * Arrays (or, unless `arrays`, objects) nested `depth` deep (default 100 to 3,000): deep enough to hurt
 * recursive code, shallow enough for the encoder.
 */
export function deepNesting(rng: Prng, depth = rng.pick([100, 1_000, 3_000]), arrays = false): Hostile {
  const asArray = arrays || rng.chance(0.5)
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value }
  return { value, label: "deep nesting" }
}

/** Any hostile value: a number, a wrong type, a string, a huge string or deep nesting. */
export function anyHostile(rng: Prng): Hostile {
  return rng.weighted<() => Hostile>([
    [5, () => hostileNumber(rng)],
    [4, () => wrongType(rng)],
    [2, () => hostileString(rng)],
    [0.3, () => hugeString(rng)],
    [0.3, () => deepNesting(rng)]
  ])()
}

/** The value as the hub receives it: a JSON round trip (NaN and Infinity become null, -0 becomes 0), binary kept. */
export function onTheWire(value: unknown): unknown {
  if (value === undefined || ArrayBuffer.isView(value)) return value
  return JSON.parse(JSON.stringify(value))
}

/** True when `value`, as the hub receives it, is a safe integer from `min` to `max`. */
export function wireInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  const wire = onTheWire(value)
  return typeof wire == "number" && Number.isSafeInteger(wire) && wire >= min && wire <= max
}

/** `value` as text for keys and messages, whatever it is (String() throws on an object whose toString is not a function). */
export function printable(value: unknown): string {
  if (typeof value == "string") return value
  try {
    return String(value)
  } catch {
    return JSON.stringify(value) ?? typeof value
  }
}
