import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { MemoryStorage, migrations, openSqliteStorage } from "../../server/storage"
import { SqliteWriter, maxGroup } from "../../server/storage/sqlite-writer"
import { crashOp } from "../support/storage-crash-op"
import { databaseBefore } from "../support/old-database"
import { storageConformance } from "../support/storage-conformance"
import { hashToken, newLinks } from "../../server/link-tokens"
import { createLogger } from "../../server/log"
import { logLines } from "../support/log-lines"

storageConformance("MemoryStorage", async () => {
  const storage = new MemoryStorage()
  return { storage, cleanup: () => storage.close() }
})

storageConformance("SqliteStorage", async () => {
  const dir = mkdtempSync(join(tmpdir(), "concord-storage-"))
  const storage = openSqliteStorage({ file: join(dir, "concord.db") })
  return {
    storage,
    cleanup: async () => {
      await storage.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
})

/**
 * Run the crash writer on `file` (over `documents` documents at once, when given) and SIGKILL it once it
 * has printed `killAfter` resolved rounds of commits; returns the last version it printed.
 */
function runCrashWriter(file: string, killAfter: number, documents?: number): Promise<number> {
  const script = fileURLToPath(new URL("../support/storage-crash-writer.ts", import.meta.url))
  const args = ["--import", "tsx", script, file, ...(documents ? [String(documents)] : [])]
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
  return new Promise((resolve, reject) => {
    let acknowledged = 0
    let buffered = ""
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk))
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk
      const lines = buffered.split("\n")
      buffered = lines.pop() ?? ""
      for (const line of lines) acknowledged = Number(/^committed (\d+)$/.exec(line)?.[1] ?? acknowledged)
      if (acknowledged >= killAfter && child.exitCode == null && child.signalCode == null) child.kill("SIGKILL")
    })
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      if (signal == "SIGKILL") resolve(acknowledged)
      else reject(new Error(`Crash writer exited with ${code} before it was killed:\n${stderr}`))
    })
  })
}

describe("SqliteStorage on disk", () => {
  let dir: string
  let file: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "concord-sqlite-"))
    file = join(dir, "nested", "folder", "concord.db")
  })

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it("creates its folder and keeps everything across close and reopen", async () => {
    const first = openSqliteStorage({ file })
    await first.createDocument("a", "ot", { type: "doc" }, 100, newLinks().hashes)
    await first.commit("a", [crashOp(1), crashOp(2)], { version: 2, doc: { type: "doc", content: [] } })
    const unawaited = first.commit("a", [crashOp(3)])
    await first.close()
    await unawaited

    const second = openSqliteStorage({ file, synchronous: "full" })
    expect(await second.getDocument("a")).toEqual({ id: "a", strategy: "ot", createdAt: 100, version: 3 })
    expect(await second.getOps("a", 0)).toStrictEqual([crashOp(1), crashOp(2), crashOp(3)])
    expect(await second.latestSnapshot("a")).toEqual({ version: 2, doc: { type: "doc", content: [] } })
    expect(await second.lastOp("a", "crash-writer")).toStrictEqual(crashOp(3))
    await second.commit("a", [crashOp(4)])
    await second.close()
  })

  it("records its migrations, reports each through the logger it is given, and does not run them again on reopen", async () => {
    const { log, lines } = logLines("debug")
    const applied = () => lines.filter((line) => line.msg == "migration-applied").map((line) => [line.level, line.version])
    await openSqliteStorage({ file, log }).close()
    expect(applied()).toEqual(migrations.map((m) => ["debug", m.version]))
    const read = () => {
      const db = new Database(file, { readonly: true })
      try {
        return db.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all()
      } finally {
        db.close()
      }
    }
    const recorded = read()
    expect(recorded.map((row) => (row as { version: number }).version)).toEqual(migrations.map((m) => m.version))
    await openSqliteStorage({ file, log }).close()
    await openSqliteStorage({ file, log }).close()
    expect(read()).toEqual(recorded)
    expect(applied()).toHaveLength(migrations.length)
  })

  it("moves a database from before migration 5 to each client's newest seq, dropping the (client, seq) index", async () => {
    const old = databaseBefore(file, 5)
    old.prepare("INSERT INTO documents VALUES ('a', 'ot', 1, 3)").run()
    const insert = old.prepare("INSERT INTO ops (doc_id, version, client_id, seq, base_version, author_name, author_color, time, steps) VALUES ('a', ?, ?, ?, 0, 'A', '#000000', 1, '[]')")
    insert.run(1, "x", 4)
    insert.run(2, "y", 1)
    insert.run(3, "x", 5)
    old.close()

    const storage = openSqliteStorage({ file, log: createLogger("silent") })
    expect([(await storage.lastOp("a", "x"))?.version, (await storage.lastOp("a", "y"))?.version]).toEqual([3, 2])
    await expect(storage.commit("a", [{ ...(await storage.lastOp("a", "x"))!, version: 4, seq: 5 }])).rejects.toMatchObject({ code: "ERR_STORAGE" })
    await storage.commit("a", [{ ...(await storage.lastOp("a", "x"))!, version: 4, seq: 6 }])
    expect((await storage.lastOp("a", "x"))?.version).toBe(4)
    await storage.close()
    const db = new Database(file, { readonly: true })
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ops_client_seq'").all()).toEqual([])
    } finally {
      db.close()
    }
  })

  it("gives each document from before links an owner, edit and view link, writing their tokens once to a file only its owner reads", async () => {
    const old = databaseBefore(file, 7)
    old.prepare("INSERT INTO documents VALUES ('a', 'ot', 1, 0), ('b', 'crdt', 2, 0)").run()
    old.close()

    const { log, lines: warnings } = logLines("warn")
    const storage = openSqliteStorage({ file, log })
    try {
      const written = readdirSync(dirname(file)).filter((name) => /^links-.*\.txt$/.test(name))
      expect(written).toHaveLength(1)
      const tokensFile = join(dirname(file), written[0])
      expect(statSync(tokensFile).mode & 0o777).toBe(0o600)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatchObject({ level: "warn", msg: "links-written", file: tokensFile, documents: 2 })
      const lines = readFileSync(tokensFile, "utf8").trim().split("\n")
      expect(lines.map((line) => line.split(" ")[0])).toEqual(["a", "b"])
      for (const line of lines) {
        const [id, ...pairs] = line.split(" ")
        const tokens = Object.fromEntries(pairs.map((pair) => pair.split("=")))
        expect(Object.keys(tokens)).toEqual(["owner", "edit", "view"])
        for (const role of ["owner", "edit", "view"] as const) {
          expect(tokens[role]).toMatch(/^[A-Za-z0-9_-]{43}$/)
          expect(await storage.findLink(id, hashToken(tokens[role]))).toBe(role)
          expect(await storage.findLink(id, tokens[role])).toBeNull()
        }
      }
    } finally {
      await storage.close()
    }
    // Applied once: reopening writes no second file.
    await openSqliteStorage({ file, log }).close()
    expect(readdirSync(dirname(file)).filter((name) => name.startsWith("links-"))).toHaveLength(1)
    expect(warnings).toHaveLength(1)
  })

  it("writes no tokens file when it creates a database", async () => {
    await openSqliteStorage({ file, log: createLogger("silent") }).close()
    expect(readdirSync(dirname(file)).filter((name) => name.startsWith("links-"))).toEqual([])
  })

  it("uses write-ahead logging", async () => {
    const storage = openSqliteStorage({ file })
    const db = new Database(file, { readonly: true })
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
    } finally {
      db.close()
      await storage.close()
    }
  })

  it("keeps every acknowledged commit when the process is killed with SIGKILL", async () => {
    const acknowledged = await runCrashWriter(file, 50)
    expect(acknowledged).toBeGreaterThanOrEqual(50)

    const storage = openSqliteStorage({ file })
    try {
      const head = (await storage.getDocument("crash"))?.version ?? 0
      expect(head).toBeGreaterThanOrEqual(acknowledged)
      const ops = await storage.getOps("crash", 0)
      expect(ops).toStrictEqual(Array.from({ length: head }, (_, i) => crashOp(i + 1)))
    } finally {
      await storage.close()
    }
  })

  it("keeps every acknowledged commit made through the writer thread when the process is killed with SIGKILL", async () => {
    // Rounds of maxGroup + 6 commits, one to each document, go to the writer thread in groups.
    const documents = maxGroup + 6
    const acknowledged = await runCrashWriter(file, 20, documents)
    expect(acknowledged).toBeGreaterThanOrEqual(20)
    const storage = openSqliteStorage({ file })
    try {
      for (let i = 0; i < documents; i++) {
        const head = (await storage.getDocument(`crash-${i}`))?.version ?? 0
        expect(head).toBeGreaterThanOrEqual(acknowledged)
        expect(await storage.getOps(`crash-${i}`, 0)).toStrictEqual(Array.from({ length: head }, (_, v) => crashOp(v + 1)))
      }
    } finally {
      await storage.close()
    }
  })

  it("writes from its own thread: every group sent before close lands, in order, and later writes are refused", async () => {
    const storage = openSqliteStorage({ file })
    await storage.createDocument("a", "ot", { type: "doc", content: [] }, 0, newLinks().hashes)
    await storage.createDocument("b", "ot", { type: "doc", content: [] }, 0, newLinks().hashes)
    // More than two full groups' calls in one turn: several groups out to the writer thread at once, one
    // document's ops spread over them.
    const commits = []
    for (let version = 1; version <= maxGroup + 10; version++) for (const id of ["a", "b"]) commits.push(storage.commit(id, [crashOp(version)]))
    const closed = storage.close()
    await expect(storage.commit("a", [crashOp(maxGroup + 11)])).rejects.toMatchObject({ code: "ERR_STORAGE" })
    await Promise.all(commits)
    await closed
    const reopened = openSqliteStorage({ file })
    try {
      for (const id of ["a", "b"]) expect(await reopened.getOps(id, 0)).toStrictEqual(Array.from({ length: maxGroup + 10 }, (_, i) => crashOp(i + 1)))
    } finally {
      await reopened.close()
    }
  })

  it("closes once for every caller: a second close waits for the first to finish", async () => {
    const storage = openSqliteStorage({ file })
    await storage.createDocument("a", "ot", { type: "doc", content: [] }, 0, newLinks().hashes)
    await storage.commit("a", [crashOp(1)])
    void storage.close()
    await storage.close()
    // The last checkpoint ran and the connections closed: SQLite removed the write-ahead log.
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it("writes on the calling thread once the writer thread has stopped, failing only the groups that thread held", async () => {
    await openSqliteStorage({ file }).close()
    const db = new Database(file)
    // The thread's file is in a folder that does not exist: it cannot open it, and stops.
    const writer = new SqliteWriter(db, { file: join(dir, "missing", "folder", "concord.db"), synchronous: "NORMAL", busyTimeout: 100, autocheckpoint: 0 })
    try {
      await writer.create("doc", "ot", { type: "doc", content: [] }, 0, newLinks().hashes)
      // A full group's writes in one turn go to the thread: they fail, coded, and nothing waits forever.
      const sent = Array.from({ length: maxGroup }, (_, i) => writer.append("doc", [crashOp(i + 1)]))
      for (const result of await Promise.allSettled(sent))
        expect(result).toMatchObject({ status: "rejected", reason: { name: "ConcordError", code: "ERR_STORAGE", message: expect.stringContaining("could not open the database") } })
      // Later groups, a full one included, are written here.
      await Promise.all(Array.from({ length: maxGroup + 4 }, (_, i) => writer.append("doc", [crashOp(i + 1)])))
      expect(db.prepare("SELECT count(*) FROM ops").pluck().get()).toBe(maxGroup + 4)
    } finally {
      await writer.close()
      db.close()
    }
  })

})
