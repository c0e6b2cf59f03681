import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { EditorState } from "prosemirror-state"
import { SyncClient } from "../../lib/ot"
import { schema } from "../../lib/schema"
import { ConcordError, type ErrorCode } from "../../lib/protocol/errors"
import { limits, type Reply, type SubmitRequest, type SubmitResult } from "../../lib/protocol"
import { Backoff } from "../../lib/client/backoff"
import { BatchSubmitter } from "../../lib/client/batch-submitter"
import { EditLossReports } from "../../lib/client/edit-loss-reports"
import { b } from "../support/builders"

const { doc, p } = b

/** A submitter over a sync client with one local edit, and a channel that records what it is asked and answers as told. */
/** A device that records the work when asked, once `write` is called: the seq in flight it then holds. */
interface Device {
  stored: number | null
  writes: (() => void)[]
}

function setup(device: Device | null = null) {
  const sync = new SyncClient({ clientId: "c", version: 0, state: EditorState.create({ schema, doc: doc(p("hello")) }) })
  sync.apply(sync.state.tr.insertText("!", 6))
  const sent: SubmitRequest[] = []
  const answers: ((reply: Reply<SubmitResult>) => void)[] = []
  const calls: string[] = []
  const issues: string[] = []
  let session = 1
  const backoff = new Backoff(500, 10_000)
  const submitter = new BatchSubmitter("d", "c", {
    sync: () => sync,
    canSend: () => true,
    session: () => session,
    send: request => {
      sent.push(request)
      return new Promise(resolve => answers.push(resolve))
    },
    recorded: seq => !device || device.stored == seq,
    record: () => new Promise<void>(resolve => device!.writes.push(() => {
      device!.stored = sync.inflightBatch?.seq ?? null
      resolve()
    })),
    restartSocket: () => calls.push("restartSocket"),
    rejoin: () => calls.push("rejoin"),
    reloadAfter: error => calls.push(`reloadAfter ${error.code}`)
  }, backoff, new EditLossReports("c", code => issues.push(code)))
  const refuse = async (code: ErrorCode, retryAfterMs?: number) => {
    answers.shift()!({ ok: false, error: new ConcordError(code, "refused", { retryAfterMs }).toJSON() })
    await vi.advanceTimersByTimeAsync(0)
  }
  return { sync, submitter, sent, answers, calls, issues, refuse, backoff, newSession: () => session++ }
}

describe("BatchSubmitter", () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it("sends a batch only once the device holds it as in flight, so that a reload sends it again under its seq", async () => {
    const device: Device = { stored: null, writes: [] }
    const { sync, submitter, sent } = setup(device)
    submitter.flush()
    expect(sync.inflightBatch?.seq).toBe(1)
    expect(sent).toEqual([])
    // A second flush while the write is under way asks for no second write.
    submitter.flush()
    expect(device.writes).toHaveLength(1)
    device.writes.shift()!()
    await vi.advanceTimersByTimeAsync(0)
    expect(device.stored).toBe(1)
    expect(sent.map(r => r.seq)).toEqual([1])
  })

  it("sends the batch in flight once per session, and again unchanged in the next", () => {
    const { submitter, sent, newSession } = setup()
    submitter.flush()
    submitter.flush()
    expect(sent.map(r => [r.docId, r.clientId, r.seq, r.baseVersion])).toEqual([["d", "c", 1, 0]])
    newSession()
    submitter.newSession()
    submitter.flush()
    expect(sent).toHaveLength(2)
    expect(sent[1]).toEqual(sent[0])
  })

  it("sends a batch refused for the hub's budget again after the time the hub asked for", async () => {
    const { submitter, sent, refuse } = setup()
    submitter.flush()
    await refuse("ERR_RATE_LIMITED", 2_000)
    submitter.flush()
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_999)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent.map(r => r.seq)).toEqual([1, 1])
  })

  it("rejoins after a seq gap, and after a hub failure once it told the user, backing off", async () => {
    const { submitter, calls, issues, refuse, newSession } = setup()
    submitter.flush()
    await refuse("ERR_SEQ_GAP")
    expect(calls).toEqual(["rejoin"])
    newSession()
    submitter.newSession()
    submitter.flush()
    await refuse("ERR_STORAGE")
    expect(issues).toEqual(["ERR_STORAGE"])
    expect(calls).toEqual(["rejoin"])
    await vi.advanceTimersByTimeAsync(500)
    expect(calls).toEqual(["rejoin", "rejoin"])
  })

  it("starts over from the hub's document when the batch is refused for good, or too large to send", async () => {
    const { submitter, calls, refuse } = setup()
    submitter.flush()
    await refuse("ERR_SCHEMA_VIOLATION")
    expect(calls).toEqual(["reloadAfter ERR_SCHEMA_VIOLATION"])
    const big = setup()
    big.sync.apply(big.sync.state.tr.insertText("x".repeat(limits.maxMessageBytes), 1))
    big.submitter.flush()
    // The edit before it goes first, alone: a batch's steps insert at most maxMergedContent, save a single step.
    expect([big.sent.length, big.calls]).toEqual([1, []])
    big.sync.receive([{ version: 1, clientId: "c", seq: 1, baseVersion: 0, steps: big.sent[0].steps }])
    big.submitter.flush()
    expect([big.sent.length, big.calls]).toEqual([1, ["reloadAfter ERR_MESSAGE_TOO_LARGE"]])
  })

  it("ignores the answer to a session that a newer one overtook, and catches up when the confirming op does not come", async () => {
    const { submitter, answers, calls, newSession } = setup()
    submitter.flush()
    newSession()
    answers.shift()!({ ok: false, error: new ConcordError("ERR_SEQ_GAP", "late").toJSON() })
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toEqual([])
    submitter.newSession()
    submitter.flush()
    answers.shift()!({ ok: true, value: { seq: 1, version: 1 } })
    await vi.advanceTimersByTimeAsync(4_999)
    expect(calls).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toEqual(["rejoin"])
  })
})
