import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { createLogger } from "../../server/log"
import { logLines } from "../support/log-lines"

/** Run tests/support/log-then-kill.ts for `count` lines; resolves with its stderr once SIGKILL ended it. */
function logThenKill(count: number): Promise<string> {
  const script = fileURLToPath(new URL("../support/log-then-kill.ts", import.meta.url))
  const child = spawn(process.execPath, ["--import", "tsx", script, String(count)], { stdio: ["ignore", "ignore", "pipe"] })
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code, signal) => (signal == "SIGKILL" ? resolve(stderr) : reject(new Error(`exited with ${code}:\n${stderr}`))))
  })
}

describe("createLogger", () => {
  it("writes one JSON object per line at or above its level: the level's name, the time, the event as msg, the fields", () => {
    const { log, lines } = logLines("info")
    log.debug({ docId: "d" }, "document-loaded")
    log.info({ url: "http://127.0.0.1:1" }, "listening")
    log.error({ err: new Error("disk I/O error") }, "commit-failed")
    expect(lines).toEqual([
      expect.objectContaining({ level: "info", msg: "listening", url: "http://127.0.0.1:1" }),
      expect.objectContaining({ level: "error", msg: "commit-failed", err: expect.objectContaining({ type: "Error", message: "disk I/O error" }) })
    ])
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time)
  })

  it("binds a child's fields to each of its lines, not to its parent's", () => {
    const { log, lines } = logLines("debug")
    log.child({ docId: "a" }).debug({ version: 3 }, "document-evicted")
    log.debug("unbound")
    expect(lines).toEqual([
      expect.objectContaining({ docId: "a", version: 3, msg: "document-evicted" }),
      expect.not.objectContaining({ docId: "a" })
    ])
  })

  it("writes nothing when silent", () => {
    const { log, lines } = logLines("silent")
    log.error("anything")
    expect(lines).toEqual([])
  })

  it("refuses a level CONCORD_LOG_LEVEL does not name", () => {
    expect(() => createLogger("verbose")).toThrow(RangeError)
    expect(() => createLogger("trace")).toThrow(/silent, error, warn, info, debug/)
  })

  it("has written every line to stderr by the time the process is killed with SIGKILL", async () => {
    const lines = (await logThenKill(2_000)).trim().split("\n").map(line => JSON.parse(line))
    expect(lines).toHaveLength(2_000)
    expect(lines[1_999]).toMatchObject({ level: "warn", msg: "numbered", line: 2_000 })
  })
})
