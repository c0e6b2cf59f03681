import { readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { strategyName } from "../../lib/protocol"
import { writesCarryClock } from "../../lib/strategies/mode"
import { modeOf, modes, registry, strategies, strategyNames, type StrategyModule } from "../../lib/strategies/registry"
import { batchDescriber } from "../../lib/strategies/batch-describer"
import { VersionVectorClock } from "../../lib/strategies/vv/writes"

const strategiesDir = fileURLToPath(new URL("../../lib/strategies/", import.meta.url))

describe("the strategy registry", () => {
  const names = [...strategyName.options].sort()

  it("lists, for every name in the protocol's enum, exactly one strategy with a mode and a lab strategy of that name", () => {
    expect(Object.keys(registry).sort()).toEqual(names)
    expect([...strategyNames].sort()).toEqual(names)
    for (const name of names) {
      expect(registry[name].mode).toBeDefined()
      expect(registry[name].lab.name).toBe(name)
      expect(modes[name]).toBe(registry[name].mode)
      expect(strategies[name]).toBe(registry[name].lab)
    }
  })

  it("has one folder per strategy, named after it, whose index.ts exports what the registry lists", async () => {
    const folders = readdirSync(strategiesDir, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name).sort()
    expect(folders).toEqual(names)
    for (const name of names) {
      const folder = (await import(`../../lib/strategies/${name}/index.ts`)) as StrategyModule
      expect(folder.mode).toBe(registry[name].mode)
      expect(folder.lab).toBe(registry[name].lab)
    }
  })

  it("gives every mode consistent traits, and a batch describer exactly where batches carry blocks", () => {
    for (const name of strategyName.options) {
      const mode = modeOf(name)
      expect(mode.label.length).toBeGreaterThan(0)
      expect(!!mode.blocks).toBe(mode.carries == "blocks")
      if (mode.resolvesByHand) expect(mode.blocks?.by).toBe("vector")
      const describer = batchDescriber(name, () => 1_000, new VersionVectorClock("c"))
      expect(!!describer).toBe(mode.carries == "blocks")
      expect(writesCarryClock(mode)).toBe(mode.blocks?.by == "clock")
    }
    expect(new Set(strategyName.options.map(n => modes[n].label)).size).toBe(strategyName.options.length)
  })
})
