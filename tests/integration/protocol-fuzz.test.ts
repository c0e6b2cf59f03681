import { describe, expect, it } from "vitest"
import { failureReport, formatFailure } from "../fuzz/fuzz-failure"
import { runProtocolSession } from "../fuzz/protocol-session"

// Longer runs and a report of every failing class: npm run fuzz:protocol -- --messages N --seed S --report.
const seeds = [1, 2]
const messagesPerSeed = 5_000

describe("protocol fuzz: hostile messages across every event against a running hub", () => {
  it.each(seeds)("seed %i: no crash, coded replies, refused messages change nothing, a typist converges", async seed => {
    const result = await runProtocolSession({ seed, messages: messagesPerSeed })
    const classes = failureReport(result.failures)
    const summary = classes.map(c => `${c.klass}: ${c.count}\n${formatFailure(c.first)}`).join("\n\n")
    // Failures first: a hub that crashed or got stuck ends the session short of its messages.
    expect(classes.map(c => c.klass), summary).toEqual([])
    expect(result.hostile).toBeGreaterThanOrEqual(messagesPerSeed)
    for (const event of ["create", "join", "links", "submit", "update", "leave", "presence", "history", "docAt", "authorship", "detail"])
      expect(result.events[event], `hostile ${event} messages`).toBeGreaterThan(0)
  }, 120_000)
})
