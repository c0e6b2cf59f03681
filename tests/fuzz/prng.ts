/** A seeded pseudo-random source: the same seed gives the same sequence, so a fuzz session can be replayed. */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** The next number in [0, 1), by mulberry32. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer from 0 to n - 1. */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** An integer from min to max, both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]
  }

  /** An element chosen with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [weight: number, item: T])[]): T {
    let total = 0
    for (const [weight] of items) total += weight
    let r = this.next() * total
    for (const [weight, item] of items) if ((r -= weight) < 0) return item
    return items[items.length - 1][1]
  }
}
