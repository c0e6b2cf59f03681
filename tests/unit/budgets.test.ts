import { describe, expect, it } from "vitest"
import { budgetsFromEnv, defaultBudgets, readCost } from "../../server/budgets"

describe("budgets", () => {
  it("are the defaults when CONCORD_RATE_LIMITS is unset, and none when it is off", () => {
    expect(budgetsFromEnv(undefined)).toBe(defaultBudgets)
    expect(budgetsFromEnv("")).toBe(defaultBudgets)
    expect(budgetsFromEnv("off")).toBeNull()
  })

  it("lay JSON overrides over the defaults, leaving the rest", () => {
    const budgets = budgetsFromEnv('{"submit":{"connection":{"points":500}},"socketsPerAddress":3}')!
    expect(budgets.submit).toEqual({ connection: { points: 500, seconds: 1 }, address: defaultBudgets.submit.address })
    expect(budgets.socketsPerAddress).toBe(3)
    expect(budgets.presence).toEqual(defaultBudgets.presence)
    expect(defaultBudgets.submit.connection.points).toBe(60)
  })

  it("refuse what is not JSON, an unknown field, or a number that is not a positive integer", () => {
    expect(() => budgetsFromEnv("on")).toThrow(/CONCORD_RATE_LIMITS must be "off" or JSON/)
    expect(() => budgetsFromEnv('{"typing":{}}')).toThrow(/Unknown rate limit typing/)
    expect(() => budgetsFromEnv('{"submit":{"connection":{"points":0}}}')).toThrow(/submit.connection.points must be a positive integer/)
    expect(() => budgetsFromEnv('{"submit":{"connection":{"seconds":1.5}}}')).toThrow(/positive integer/)
    expect(() => budgetsFromEnv('{"submit":3}')).toThrow(/submit must be an object/)
    expect(() => budgetsFromEnv("[]")).toThrow(/must be an object/)
  })

  it("weigh reads by the ops they cover", () => {
    expect(readCost.history(undefined)).toBe(1)
    expect(readCost.history(2_000)).toBe(20)
    expect(readCost.history(101)).toBe(2)
    expect(readCost.authorship(undefined)).toBe(5)
    expect(readCost.docAt()).toBe(2)
  })
})
