import { describe, expect, it } from "vitest"
import { WriteRing } from "../../lib/client/write-ring"
import { seededRandom } from "../support/seeded-random"

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

describe("WriteRing", () => {
  it("hands the reader every message in order, across many wraps, and refuses one that does not fit until the reader catches up", () => {
    const ring = WriteRing.create(256)
    const reader = new WriteRing(ring.buffer)
    const random = seededRandom(3)
    const sent: Uint8Array[] = []
    const read: Uint8Array[] = []
    let refused = 0
    for (let i = 0; i < 5_000; i++) {
      if (random() < 0.45) read.push(...reader.read())
      const message = bytes(Math.floor(random() * 90), i % 251)
      if (ring.write(message)) sent.push(message)
      else refused++
    }
    read.push(...reader.read())
    expect(refused).toBeGreaterThan(0)
    expect(read).toEqual(sent)
    expect(reader.read()).toEqual([])
  })

  it("never lets a full ring look empty: a message as long as the free space is refused", () => {
    const ring = WriteRing.create(64)
    expect(ring.write(bytes(56, 1))).toBe(true)
    expect(ring.write(bytes(4, 2))).toBe(false)
    expect(ring.read()).toEqual([bytes(56, 1)])
    expect(ring.write(bytes(60, 3))).toBe(false)
    expect(ring.write(bytes(52, 3))).toBe(true)
    expect(ring.read()).toEqual([bytes(52, 3)])
  })
})
