import { describe, expect, it } from "vitest"
import { DetailedOpFeed } from "../../lib/client/detailed-op-feed"
import type { CommittedOp, HistoryPage, LeanOp } from "../../lib/protocol"

const whole = (version: number): CommittedOp => ({
  version, clientId: "w", seq: version, baseVersion: version - 1, steps: [], author: { name: "Writer", color: "#112233" }, time: version
})
const lean = (version: number): LeanOp => ({ version, clientId: "w", seq: version, baseVersion: version - 1, steps: [] })

/** An op log of versions 1..head served in pages of at most `pageSize`, newest first, with a record of the requests. */
function opLog(head: number, pageSize = 100) {
  const requests: [number, number][] = []
  let failing = false
  const fetchPage = async (before: number, limit: number): Promise<HistoryPage> => {
    requests.push([before, limit])
    if (failing) throw new Error("offline")
    const ops: CommittedOp[] = []
    for (let v = before - 1; v >= 1 && ops.length < Math.min(limit, pageSize); v--) ops.push(whole(v))
    const last = ops[ops.length - 1]
    return { docId: "d", ops, next: last && last.version > 1 ? last.version : null }
  }
  return { fetchPage, requests, fail: (on: boolean) => (failing = on) }
}

const versions = (calls: (readonly CommittedOp[])[]) => calls.map(ops => ops.map(op => op.version))

describe("DetailedOpFeed", () => {
  it("asks for detail while someone listens, and passes whole ops on at once", () => {
    const log = opLog(10)
    const switches: boolean[] = []
    const feed = new DetailedOpFeed(log.fetchPage, on => switches.push(on))
    expect(feed.wanted).toBe(false)
    const calls: (readonly CommittedOp[])[] = []
    const stopA = feed.add(ops => calls.push(ops))
    const stopB = feed.add(() => {})
    expect(switches).toEqual([true])
    feed.deliver([whole(1), whole(2)])
    expect(versions(calls)).toEqual([[1, 2]])
    expect(log.requests).toEqual([])
    stopA()
    stopA()
    expect(switches).toEqual([true])
    stopB()
    expect(switches).toEqual([true, false])
    expect(feed.wanted).toBe(false)
  })

  it("fetches ops that arrived lean, across pages, and keeps later ops in order behind them", async () => {
    const log = opLog(300, 100)
    const feed = new DetailedOpFeed(log.fetchPage, () => {})
    const calls: (readonly CommittedOp[])[] = []
    feed.add(ops => calls.push(ops))
    const leanRun = Array.from({ length: 250 }, (_, i) => lean(i + 1))
    feed.deliver(leanRun)
    // Whole ops that come next wait for the fetched ones.
    feed.deliver([whole(251)])
    expect(calls).toEqual([])
    await until(() => calls.length == 2)
    expect(calls[0].map(op => op.version)).toEqual(leanRun.map(op => op.version))
    expect(calls[0].every(op => op.author.name == "Writer")).toBe(true)
    expect(versions(calls.slice(1))).toEqual([[251]])
    expect(log.requests).toEqual([[251, 250], [151, 150], [51, 50]])
    // Once the queue is empty, whole ops go straight through again.
    feed.deliver([whole(252)])
    expect(versions(calls.slice(2))).toEqual([[252]])
  })

  it("leaves out ops it could not fetch and goes on with the next", async () => {
    const log = opLog(10)
    const feed = new DetailedOpFeed(log.fetchPage, () => {})
    const calls: (readonly CommittedOp[])[] = []
    feed.add(ops => calls.push(ops))
    log.fail(true)
    feed.deliver([lean(5), whole(6)])
    feed.deliver([whole(7)])
    await until(() => calls.length == 1)
    // The listener sees the gap (versions 5 and 6 missing): the history model reloads on a gap.
    expect(versions(calls)).toEqual([[7]])
  })
})

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise(resolve => setImmediate(resolve))
  expect(check()).toBe(true)
}
