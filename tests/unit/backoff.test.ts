import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { Backoff } from "../../lib/client/backoff"

describe("Backoff", () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it("doubles the delay up to its maximum, keeps one retry waiting, and starts over after a reset", () => {
    const backoff = new Backoff(500, 1_500)
    const runs: number[] = []
    const retry = () => backoff.schedule(() => runs.push(Date.now()))
    const start = Date.now()
    retry()
    retry()
    expect(backoff.waiting).toBe(true)
    vi.advanceTimersByTime(500)
    expect([runs.length, backoff.waiting]).toEqual([1, false])
    for (let i = 0; i < 3; i++) {
      retry()
      vi.runOnlyPendingTimers()
    }
    expect(runs.map(t => t - start)).toEqual([500, 1_500, 3_000, 4_500])
    backoff.reset()
    retry()
    vi.advanceTimersByTime(499)
    expect(runs).toHaveLength(4)
    vi.advanceTimersByTime(1)
    expect(runs).toHaveLength(5)
  })

  it("waits at least as long as asked, and runs nothing once cancelled", () => {
    const backoff = new Backoff(500, 10_000)
    const action = vi.fn()
    backoff.schedule(action, 2_000)
    vi.advanceTimersByTime(1_999)
    expect(action).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(action).toHaveBeenCalledOnce()
    backoff.schedule(action)
    backoff.cancel()
    expect(backoff.waiting).toBe(false)
    vi.runAllTimers()
    expect(action).toHaveBeenCalledOnce()
  })
})
