// The SQLite store's writes (see sqlite-writer.ts), on a connection of their own: `openWrites(db, columns)` for
// the thread that calls it, and, run as a worker thread, a writer that takes its groups as messages.
// Plain CommonJS, so that the thread runs whatever loader the process uses (tsx, Vitest or none).
//
// A group is a list of tasks, each one of
//   { kind: "append", docId, rows, snapshot }  rows: each op's values, in the order of `columns` (op-row.ts); snapshot: { version, json } or null
//   { kind: "create", docId, strategy, time, json }
//   { kind: "claim", clientId, keyHash, time }
//   { kind: "create", docId, strategy, time, json, links }  links: { owner, edit, view }, each a token's hash
//   { kind: "links", docId, role, hash, time }  revoke the role's live links, then add `hash` (when not null)
// written in one transaction; its outcomes are null for a task written, { code, message } for one refused.
// As a worker: a message { tasks } is answered { outcomes }, in the order they came; { autocheckpoint:
// pages } sets wal_autocheckpoint (when the checkpoint thread fails); { close: true } closes the
// connection and the thread. The thread sends { failed } when it cannot go on.
"use strict"
const { isMainThread, parentPort, workerData } = require("node:worker_threads")

/** A refusal with a ConcordError code, sent back as such. */
class Refusal extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}

/** The store's writes on `db`, op rows holding `columns`: `write(tasks)` writes a group and gives each task's outcome. */
function openWrites(db, columns) {
  const statements = {
    head: db.prepare("SELECT version FROM documents WHERE id = ?").pluck(),
    opAt: db.prepare("SELECT client_id AS clientId, seq FROM ops WHERE doc_id = ? AND version = ?"),
    setHead: db.prepare("UPDATE documents SET version = ? WHERE id = ?"),
    insertDocument: db.prepare("INSERT INTO documents (id, strategy, created_at, version) VALUES (?, ?, ?, 0)"),
    insertOp: db.prepare(`INSERT INTO ops (doc_id, ${columns.join(", ")}) VALUES (?${", ?".repeat(columns.length)})`),
    // Changes nothing (0 changes) when the client already committed this seq or a later one.
    advanceSeq: db.prepare(
      `INSERT INTO client_seqs (doc_id, client_id, seq, version) VALUES (?, ?, ?, ?)
       ON CONFLICT (doc_id, client_id) DO UPDATE SET seq = excluded.seq, version = excluded.version WHERE excluded.seq > client_seqs.seq`
    ),
    insertSnapshot: db.prepare("INSERT OR IGNORE INTO snapshots (doc_id, version, doc) VALUES (?, ?, ?)"),
    // The first key to claim a client id keeps it.
    claimClient: db.prepare("INSERT OR IGNORE INTO client_keys (client_id, key_hash, claimed_at) VALUES (?, ?, ?)"),
    insertLink: db.prepare("INSERT INTO links (doc_id, role, token_hash, created_at) VALUES (?, ?, ?, ?)"),
    revokeLinks: db.prepare("UPDATE links SET revoked_at = ? WHERE doc_id = ? AND role = ? AND revoked_at IS NULL")
  }

  // Where a row holds what the checks read.
  const VERSION = columns.indexOf("version"), CLIENT = columns.indexOf("client_id"), SEQ = columns.indexOf("seq")

  /** Append ops and a snapshot to a document, with the checks of checkAppend in storage.ts, or throw. */
  function append(task) {
    const { docId, rows, snapshot } = task
    const head = statements.head.get(docId)
    if (head == null) throw new Refusal("ERR_UNKNOWN_DOCUMENT", `No document ${docId}`)
    if (rows.length && rows[0][VERSION] <= head)
      throw new Refusal("ERR_COMMIT_CONFLICT", `Version ${rows[0][VERSION]} of ${docId} is committed already (the head is ${head}): another writer committed first`)
    if (task.follows !== undefined) {
      const headOp = head == 0 ? null : statements.opAt.get(docId, head) ?? null
      const same = task.follows === null ? headOp === null : headOp !== null && headOp.clientId == task.follows.clientId && headOp.seq == task.follows.seq
      if (!same) throw new Refusal("ERR_COMMIT_CONFLICT", `Version ${head} of ${docId} is not the op this commit follows: another writer committed first`)
    }
    rows.forEach((row, i) => {
      if (row[VERSION] != head + 1 + i) throw new Refusal("ERR_STORAGE", `Op version ${row[VERSION]} of ${docId} is not the next version ${head + 1 + i}`)
    })
    if (snapshot && snapshot.version > head + rows.length)
      throw new Refusal("ERR_STORAGE", `Snapshot version ${snapshot.version} of ${docId} is beyond the head ${head + rows.length}`)
    for (const row of rows) {
      statements.insertOp.run(docId, ...row)
      if (statements.advanceSeq.run(docId, row[CLIENT], row[SEQ], row[VERSION]).changes == 0)
        throw new Refusal("ERR_STORAGE", `Op (${row[CLIENT]}, ${row[SEQ]}) is not newer than that client's last seq in ${docId}`)
    }
    if (rows.length) statements.setHead.run(head + rows.length, docId)
    if (snapshot) statements.insertSnapshot.run(docId, snapshot.version, snapshot.json)
  }

  function create(task) {
    if (statements.head.get(task.docId) != null) throw new Refusal("ERR_DOCUMENT_EXISTS", `Document ${task.docId} exists`)
    statements.insertDocument.run(task.docId, task.strategy, task.time)
    statements.insertSnapshot.run(task.docId, 0, task.json)
    for (const role of ["owner", "edit", "view"]) statements.insertLink.run(task.docId, role, task.links[role], task.time)
  }

  function replaceLinks(task) {
    if (statements.head.get(task.docId) == null) throw new Refusal("ERR_UNKNOWN_DOCUMENT", `No document ${task.docId}`)
    statements.revokeLinks.run(task.time, task.docId, task.role)
    if (task.hash != null) statements.insertLink.run(task.docId, task.role, task.hash, task.time)
  }

  function run(task) {
    if (task.kind == "create") create(task)
    else if (task.kind == "claim") statements.claimClient.run(task.clientId, task.keyHash, task.time)
    else if (task.kind == "links") replaceLinks(task)
    else append(task)
  }

  const refusal = error => ({ code: error instanceof Refusal ? error.code : "ERR_STORAGE", message: error instanceof Error ? error.message : String(error) })

  // Tasks rarely fail, so a group goes in one transaction without a savepoint per task; when one fails and
  // takes the transaction with it, the group is written again with each task in its own savepoint, so
  // that a bad task fails alone.
  const writeGroup = db.transaction(tasks => {
    for (const task of tasks) run(task)
  })
  const writeOne = db.transaction(run)
  const writeEach = db.transaction(tasks =>
    tasks.map(task => {
      try {
        writeOne(task)
        return null
      } catch (error) {
        // SQLite ended the whole transaction (disk full, I/O error): the group fails as one.
        if (!db.inTransaction) throw error
        return refusal(error)
      }
    })
  )

  return function write(tasks) {
    try {
      writeGroup.immediate(tasks)
      return tasks.map(() => null)
    } catch (first) {
      if (tasks.length == 1) return [refusal(first)]
      try {
        return writeEach.immediate(tasks)
      } catch (error) {
        return tasks.map(() => refusal(error))
      }
    }
  }
}

module.exports = { openWrites }

if (!isMainThread && workerData?.role == "sqlite-writer") {
  const Database = require(workerData.module)
  let db, write
  try {
    db = new Database(workerData.file)
    db.pragma(`synchronous = ${workerData.synchronous}`)
    db.pragma(`busy_timeout = ${workerData.busyTimeout}`)
    db.pragma("foreign_keys = ON")
    db.pragma(`wal_autocheckpoint = ${workerData.autocheckpoint}`)
    write = openWrites(db, workerData.columns)
  } catch (error) {
    // Said as a message, not thrown: a thrown error can reach the main thread before the message, which
    // then reports a vaguer reason. With nothing listening, the thread ends after the message.
    parentPort.postMessage({ failed: `the writer thread could not open the database: ${error}` })
  }
  if (write) parentPort.on("message", message => {
    if (message.autocheckpoint != null) {
      db.pragma(`wal_autocheckpoint = ${Number(message.autocheckpoint)}`)
      return
    }
    if (message.close) {
      db.close()
      parentPort.close()
      return
    }
    parentPort.postMessage({ outcomes: write(message.tasks) })
  })
}
