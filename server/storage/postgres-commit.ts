import type pg from "pg"
import { ConcordError, type CommittedOp, type ErrorCode, type Snapshot } from "../../lib/protocol"
import { commitNotice, commitsChannel } from "./postgres-channels"
import { opColumns, opRow } from "./op-row"
import type { OpKey } from "./storage"

/** The ops and snapshot of one commit call, as concord_commit writes them. */
export interface CommitRequest {
  ops: readonly CommittedOp[]
  snapshot?: Snapshot
}

/**
 * The SQLSTATEs concord_commit raises (class CN, which PostgreSQL leaves to applications) and the
 * ConcordError code each one stands for.
 */
const raisedCodes: ReadonlyMap<unknown, ErrorCode> = new Map([
  ["CN404", "ERR_UNKNOWN_DOCUMENT"],
  ["CN409", "ERR_COMMIT_CONFLICT"],
  ["CN400", "ERR_STORAGE"]
])

/**
 * The migration that creates concord_commit: what Storage.commit requires of a group of one document's
 * calls, checked and written inside the implicit transaction of one statement, so that a commit costs
 * one round trip and statements planned once per connection. It locks the document's row (every writer
 * of a document, in any process, waits there for the one before), checks `follows` as checkFollows does,
 * each call as checkAppend does against the head the calls before it leave, each client's seqs as they
 * must rise, then writes the ops, the clients' newest seqs, the head and the snapshots, and notifies
 * p_channel with p_notice (delivered when the transaction commits, in commit order: see PostgresBus).
 * A call's ops are p_versions ... p_origins[previous end + 1 .. p_call_ends[call]], in opColumns' order
 * as it was then, spelled out here: a released migration never changes (see restoredColumnSql).
 */
export const commitFunctionSql = `
  CREATE FUNCTION concord_commit(
    p_doc TEXT, p_follows_given BOOLEAN, p_follows_client TEXT, p_follows_seq BIGINT,
    p_call_ends INTEGER[], p_snapshot_versions BIGINT[], p_snapshot_docs TEXT[],
    p_versions BIGINT[], p_client_ids TEXT[], p_seqs BIGINT[], p_base_versions BIGINT[], p_author_names TEXT[],
    p_author_colors TEXT[], p_times BIGINT[], p_steps TEXT[], p_originals TEXT[], p_dropped TEXT[], p_moves TEXT[],
    p_summaries TEXT[], p_writes TEXT[], p_vv_writes TEXT[], p_updates TEXT[], p_origins TEXT[],
    p_channel TEXT, p_notice TEXT
  ) RETURNS VOID LANGUAGE plpgsql AS $$
  DECLARE
    v_head BIGINT;
    v_head_client TEXT;
    v_head_seq BIGINT;
    v_next BIGINT;
    v_first INTEGER := 1;
    v_count INTEGER := coalesce(array_length(p_versions, 1), 0);
    v_previous BIGINT;
  BEGIN
    SELECT d.version INTO v_head FROM documents d WHERE d.id = p_doc FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'CN404', MESSAGE = format('No document %s', p_doc);
    END IF;
    -- Read apart from the lock, by key: a join's generic plan (PL/pgSQL caches one) can scan the document's ops.
    SELECT o.client_id, o.seq INTO v_head_client, v_head_seq FROM ops o WHERE o.doc_id = p_doc AND o.version = v_head;
    -- An empty log's head op is (NULL, NULL), as is the follows of a commit that expects one.
    IF p_follows_given AND (v_head_client, v_head_seq) IS DISTINCT FROM (p_follows_client, p_follows_seq) THEN
      RAISE EXCEPTION USING ERRCODE = 'CN409',
        MESSAGE = format('Version %s of %s is not the op this commit follows: another writer committed first', v_head, p_doc);
    END IF;
    v_next := v_head;
    FOR v_call IN 1 .. coalesce(array_length(p_call_ends, 1), 0) LOOP
      IF p_call_ends[v_call] >= v_first AND p_versions[v_first] <= v_next THEN
        RAISE EXCEPTION USING ERRCODE = 'CN409', MESSAGE = format(
          'Version %s of %s is committed already (the head is %s): another writer committed first', p_versions[v_first], p_doc, v_next);
      END IF;
      FOR v_op IN v_first .. p_call_ends[v_call] LOOP
        IF p_versions[v_op] <> v_next + 1 + v_op - v_first THEN
          RAISE EXCEPTION USING ERRCODE = 'CN400', MESSAGE = format(
            'Op version %s of %s is not the next version %s', p_versions[v_op], p_doc, v_next + 1 + v_op - v_first);
        END IF;
      END LOOP;
      v_next := v_next + p_call_ends[v_call] - v_first + 1;
      IF p_snapshot_versions[v_call] > v_next THEN
        RAISE EXCEPTION USING ERRCODE = 'CN400', MESSAGE = format(
          'Snapshot version %s of %s is beyond the head %s', p_snapshot_versions[v_call], p_doc, v_next);
      END IF;
      v_first := p_call_ends[v_call] + 1;
    END LOOP;
    IF v_count > 0 THEN
      -- Op by op, so that each seq is checked against its client's one before, in this group or stored.
      FOR v_op IN 1 .. v_count LOOP
        INSERT INTO client_seqs AS s (doc_id, client_id, seq, version) VALUES (p_doc, p_client_ids[v_op], p_seqs[v_op], p_versions[v_op])
          ON CONFLICT (doc_id, client_id) DO UPDATE SET seq = excluded.seq, version = excluded.version WHERE s.seq < excluded.seq;
        IF NOT FOUND THEN
          SELECT s.seq INTO v_previous FROM client_seqs s WHERE s.doc_id = p_doc AND s.client_id = p_client_ids[v_op];
          RAISE EXCEPTION USING ERRCODE = 'CN400', MESSAGE = format(
            'Op (%s, %s) is not newer than that client''s seq %s in %s', p_client_ids[v_op], p_seqs[v_op], v_previous, p_doc);
        END IF;
      END LOOP;
      INSERT INTO ops (doc_id, version, client_id, seq, base_version, author_name, author_color, time, steps, original, dropped, moves,
          summary, writes, vv_writes, y_update, origins)
        SELECT p_doc, n.* FROM unnest(p_versions, p_client_ids, p_seqs, p_base_versions, p_author_names, p_author_colors, p_times,
          p_steps, p_originals, p_dropped, p_moves, p_summaries, p_writes, p_vv_writes, p_updates, p_origins) AS n;
      UPDATE documents SET version = v_next WHERE id = p_doc;
    END IF;
    IF p_snapshot_versions IS NOT NULL THEN
      INSERT INTO snapshots (doc_id, version, doc)
        SELECT p_doc, s.version, s.doc FROM unnest(p_snapshot_versions, p_snapshot_docs) AS s (version, doc)
        WHERE s.version IS NOT NULL
        ON CONFLICT (doc_id, version) DO NOTHING;
    END IF;
    IF p_notice IS NOT NULL THEN
      PERFORM pg_notify(p_channel, p_notice);
    END IF;
  END
  $$;
`

/** Replace `from` by `to` in `sql`, throwing when `from` is not there exactly once. */
function replaceOnce(sql: string, from: string, to: string): string {
  if (sql.split(from).length != 2) throw new RangeError(`concord_commit's text has no single ${JSON.stringify(from)}`)
  return sql.replace(from, to)
}

/**
 * The migration that gives ops a `restored` column (CommittedOp.restored, JSON text) and concord_commit
 * the array p_restored after p_origins to fill it: migration 2's function with that one column added,
 * recreated, since PostgreSQL cannot change a function's arguments in place.
 */
export const restoredColumnSql = `
  ALTER TABLE ops ADD COLUMN restored TEXT;
  DROP FUNCTION concord_commit(TEXT, BOOLEAN, TEXT, BIGINT, INTEGER[], BIGINT[], TEXT[], BIGINT[], TEXT[], BIGINT[], BIGINT[], TEXT[],
    TEXT[], BIGINT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT, TEXT);
  ${[
    ["p_origins TEXT[],", "p_origins TEXT[], p_restored TEXT[],"],
    ["y_update, origins)", "y_update, origins, restored)"],
    ["p_updates, p_origins) AS n", "p_updates, p_origins, p_restored) AS n"]
  ].reduce((sql, [from, to]) => replaceOnce(sql, from, to), commitFunctionSql)}
`

/** concord_commit's parameters with their types, in order: the one statement that calls it. */
const parameterTypes = [
  "TEXT", "BOOLEAN", "TEXT", "BIGINT", "INTEGER[]", "BIGINT[]", "TEXT[]",
  "BIGINT[]", "TEXT[]", "BIGINT[]", "BIGINT[]", "TEXT[]", "TEXT[]", "BIGINT[]", "TEXT[]",
  "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT[]", "TEXT", "TEXT"
]

const commitText = `SELECT concord_commit(${parameterTypes.map((type, i) => `$${i + 1}::${type}`).join(", ")})`

/**
 * The statement that commits `calls` of `docId` in order, the first built on `follows` (as Storage.commit
 * takes it), as a prepared statement: each connection parses and plans it once.
 */
export function commitStatement(docId: string, calls: readonly CommitRequest[], follows: OpKey | null | undefined): pg.QueryConfig {
  const ops = calls.flatMap(call => call.ops)
  const rows = ops.map(opRow)
  let end = 0
  const callEnds = calls.map(call => (end += call.ops.length))
  const snapshots = calls.some(call => call.snapshot)
  const last = ops[ops.length - 1]
  return {
    name: "concord-commit",
    text: commitText,
    values: [
      docId, follows !== undefined, follows?.clientId ?? null, follows?.seq ?? null, callEnds,
      snapshots ? calls.map(call => call.snapshot?.version ?? null) : null,
      snapshots ? calls.map(call => (call.snapshot ? JSON.stringify(call.snapshot.doc) : null)) : null,
      ...opColumns.map((_, column) => rows.map(row => row[column])),
      commitsChannel, last ? commitNotice(docId, last.version, ops) : null
    ]
  }
}

/** The ConcordError a failure concord_commit raised stands for, or null for any other failure. */
export function raisedCommitError(error: unknown): ConcordError | null {
  const concordCode = raisedCodes.get((error as { code?: unknown })?.code)
  return concordCode ? new ConcordError(concordCode, (error as Error).message) : null
}
