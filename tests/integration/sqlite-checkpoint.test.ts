import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterEach, describe, expect, it } from "vitest"
import { openSqliteStorage, type SqliteStorage } from "../../server/storage"
import { crashOp } from "../support/storage-crash-op"
import { newLinks } from "../../server/link-tokens"

// The write-ahead log is checkpointed by a worker thread, never inside a commit: the writer's own
// automatic checkpoint is off, so pages reach the database file only through the thread.

let dir = ""
let storage: SqliteStorage | null = null

afterEach(async () => {
  await storage?.close()
  storage = null
  rmSync(dir, { recursive: true, force: true })
})

/** Resolve once `check` holds, checking on every turn of the event loop; reject after `timeout` ms. */
async function eventually(check: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}

describe("SqliteStorage's checkpoint thread", () => {
  it("moves committed pages into the database file while the writer's own checkpoints are off, and leaves every op readable", async () => {
    dir = mkdtempSync(join(tmpdir(), "concord-checkpoint-"))
    const file = join(dir, "concord.db")
    storage = openSqliteStorage({ file })
    await storage.createDocument("doc", "ot", { type: "doc", content: [{ type: "paragraph" }] }, 0, newLinks().hashes)
    const before = statSync(file).size
    for (let group = 0; group < 20; group++) {
      const commits = []
      for (let i = 1; i <= 100; i++) commits.push(storage.commit("doc", [crashOp(group * 100 + i)]))
      await Promise.all(commits)
    }
    // Only a checkpoint writes pages into the database file itself.
    await eventually(() => statSync(file).size > before + 100_000, "the database file to grow")
    const reader = new Database(file, { readonly: true })
    try {
      expect(reader.prepare("select count(*) as n from ops where doc_id = ?").get("doc")).toEqual({ n: 2000 })
    } finally {
      reader.close()
    }
    expect((await storage.getOps("doc", 1990)).map(op => op.version)).toEqual([1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999, 2000])
  })

  it("checkpoints inside commits when asked to, as SQLite does by default", async () => {
    dir = mkdtempSync(join(tmpdir(), "concord-checkpoint-"))
    storage = openSqliteStorage({ file: join(dir, "concord.db"), checkpointThread: false })
    await storage.createDocument("doc", "ot", { type: "doc", content: [{ type: "paragraph" }] }, 0, newLinks().hashes)
    await storage.commit("doc", [crashOp(1)])
    expect((await storage.getOps("doc", 0)).map(op => op.version)).toEqual([1])
  })

  it("closes cleanly in a process with nothing else to do: the last checkpoint runs and the log is removed", () => {
    dir = mkdtempSync(join(tmpdir(), "concord-checkpoint-"))
    const file = join(dir, "concord.db")
    const script = fileURLToPath(new URL("../support/storage-close-writer.ts", import.meta.url))
    const child = spawnSync(process.execPath, ["--import", "tsx", script, file], { encoding: "utf8", timeout: 30_000 })
    expect({ status: child.status, stdout: child.stdout.trim() }).toEqual({ status: 0, stdout: "closed" })
    // SQLite removes the write-ahead log when its last connection closes after a complete checkpoint.
    expect(existsSync(file + "-wal")).toBe(false)
    const reader = new Database(file, { readonly: true })
    try {
      expect(reader.prepare("select count(*) as n from ops").get()).toEqual({ n: 10 })
    } finally {
      reader.close()
    }
  })
})
