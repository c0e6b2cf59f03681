import { describe, expect, it } from "vitest"
import { strategyName } from "../../lib/protocol"
import { strategies, strategyNames } from "../../lib/strategies"
import { modeOf, modes, writesCarryClock } from "../../lib/strategies/modes"
import { batchDescriber } from "../../lib/strategies/batch-describer"
import { VersionVectorClock } from "../../lib/strategies/vv-writes"

describe("the strategy registry", () => {
  it("has, for every strategy name, one mode and one lab strategy of that name", () => {
    const names = strategyName.options
    expect(Object.keys(modes).sort()).toEqual([...names].sort())
    expect(Object.keys(strategies).sort()).toEqual([...names].sort())
    expect([...strategyNames].sort()).toEqual([...names].sort())
    for (const name of names) expect(strategies[name].name).toBe(name)
  })

  it("gives every mode consistent traits, and a batch describer exactly where batches carry blocks", () => {
    for (const name of strategyName.options) {
      const mode = modeOf(name)
      expect(mode.label.length).toBeGreaterThan(0)
      expect(!!mode.blocks).toBe(mode.carries == "blocks")
      if (mode.resolvesByHand) expect(mode.blocks?.by).toBe("vector")
      // A history of steps needs ops with steps.
      if (mode.history) expect(mode.carries).not.toBe("updates")
      const describer = batchDescriber(name, () => 1_000, new VersionVectorClock("c"))
      expect(!!describer).toBe(mode.carries == "blocks")
      expect(writesCarryClock(mode)).toBe(mode.blocks?.by == "clock")
    }
    expect(new Set(strategyName.options.map(n => modes[n].label)).size).toBe(strategyName.options.length)
  })
})
