// SQLite session state (node:sqlite, WAL). One long-lived connection. Records are group-committed:
// the records of up to FLUSH_MS (at most MAX_BATCH) go into one transaction (per session: one upsert
// of the Rust session_state row and one of its last decision; per decision: one index row). A transaction costs
// about 30 µs whatever its size, so one per decision (or per event-loop turn, often 1-3 records)
// was most of a busy sidecar's state cost. Reads flush first, so readers never see stale state. A
// crash (even SIGKILL) mid-write leaves the previous committed state: WAL + the rollback of an
// unfinished transaction at the next open; at most the last FLUSH_MS of records are lost (the
// decision log holds every decision). synchronous=NORMAL: durable across process crashes; a power
// cut may lose the last transactions but never corrupts the file.
// The decision index has no secondary index on purpose: it is written for every decision and read
// only by operators (HTTP API, CLI). Three secondary indexes (session, id, time) tripled the cost of
// a write (every batch touched an index page per session), so reads scan newest-first by seq (the
// rowid) and expiry walks oldest-first, which in both cases stops as soon as the answer is known.
// session_state has no index on last_seen_ms either: every upsert moved its entry, and the only
// readers (expiry and the session cap, every pruneEvery records) scan a table of at most
// maxSessions rows.

import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { noTelemetry, silentLogger } from "../../defender/types.ts";
import type { Decision, DecisionAction } from "../../engine/types.ts";
import { ClawShieldError, ErrorCode } from "../../errors.ts";
import { ruleIds, sessionIdOf, storedDecisionJson } from "./common.ts";
import { STATE_DEFAULTS, type DecisionIndexRow, type SessionState, type StateStore, type StateStoreOptions } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS session_state (
  session_id TEXT PRIMARY KEY,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  total_requests INTEGER NOT NULL,
  allowed_count INTEGER NOT NULL,
  review_count INTEGER NOT NULL,
  blocked_count INTEGER NOT NULL,
  last_action TEXT NOT NULL,
  last_risk_score INTEGER NOT NULL,
  last_source TEXT NOT NULL,
  last_channel TEXT
);
DROP INDEX IF EXISTS session_state_last_seen;
CREATE TABLE IF NOT EXISTS last_decision (
  session_id TEXT PRIMARY KEY,
  decision_id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  decision_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_index (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  action TEXT NOT NULL,
  risk_score INTEGER NOT NULL,
  rule_ids TEXT NOT NULL,
  tags TEXT NOT NULL
);
DROP INDEX IF EXISTS decision_index_session;
DROP INDEX IF EXISTS decision_index_id;
DROP INDEX IF EXISTS decision_index_ts;
CREATE TABLE IF NOT EXISTS clawshield_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO clawshield_meta(key, value) VALUES ('schema_version', '2');
UPDATE clawshield_meta SET value = '2' WHERE key = 'schema_version';
`;

/** What one batch adds to a session's row. */
interface SessionDelta {
  first: number;
  n: number;
  allow: number;
  review: number;
  block: number;
  last: Decision;
  lastT: number;
  source: string;
  channel: string | null;
}

/** Most records written in one transaction. */
const MAX_BATCH = 512;
/** Longest a record waits for its transaction. */
const FLUSH_MS = 20;

export function openSqliteStateStore(file: string, opts: StateStoreOptions = {}): StateStore {
  const logger = opts.logger ?? silentLogger;
  const telemetry = opts.telemetry ?? noTelemetry;
  const now = opts.now ?? Date.now;
  const ttl = opts.sessionTtlMs ?? STATE_DEFAULTS.sessionTtlMs;
  const maxSessions = opts.maxSessions ?? STATE_DEFAULTS.maxSessions;
  const maxDecisions = opts.maxDecisions ?? STATE_DEFAULTS.maxDecisions;
  const pruneEvery = Math.max(1, opts.pruneEvery ?? STATE_DEFAULTS.pruneEvery);
  let db: DatabaseSync;
  try {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    db = new DatabaseSync(file);
    db.exec("PRAGMA busy_timeout = 5000");
    if (file !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    const check = db.prepare("PRAGMA quick_check").get() as { quick_check?: string } | undefined;
    if (check?.quick_check !== "ok") throw new Error(`quick_check reported: ${check?.quick_check ?? "nothing"}`);
    db.exec(SCHEMA);
  } catch (e) {
    throw new ClawShieldError(
      ErrorCode.STORE_UNAVAILABLE,
      `cannot open the session state store ${file}: ${(e as Error).message}. Fix: check the folder's permissions and free space, or move the file aside (it is rebuilt empty), or point runtime.session_state_path elsewhere.`,
      { path: file },
      e,
    );
  }

  const upsert = db.prepare(`
    INSERT INTO session_state (session_id, first_seen_ms, last_seen_ms, total_requests, allowed_count, review_count, blocked_count, last_action, last_risk_score, last_source, last_channel)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(session_id) DO UPDATE SET
      last_seen_ms = excluded.last_seen_ms,
      total_requests = session_state.total_requests + excluded.total_requests,
      allowed_count = session_state.allowed_count + excluded.allowed_count,
      review_count = session_state.review_count + excluded.review_count,
      blocked_count = session_state.blocked_count + excluded.blocked_count,
      last_action = excluded.last_action,
      last_risk_score = excluded.last_risk_score,
      last_source = excluded.last_source,
      last_channel = excluded.last_channel`);
  const putLast = db.prepare("INSERT INTO last_decision (session_id, decision_id, ts_ms, decision_json) VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET decision_id = excluded.decision_id, ts_ms = excluded.ts_ms, decision_json = excluded.decision_json");
  const addIndex = db.prepare("INSERT INTO decision_index (id, ts_ms, session_id, action, risk_score, rule_ids, tags) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const getState = db.prepare("SELECT * FROM session_state WHERE session_id = ?");
  const getLast = db.prepare("SELECT decision_json FROM last_decision WHERE session_id = ?");
  const countSessions = db.prepare("SELECT count(*) AS n FROM session_state");
  const recentAll = db.prepare("SELECT * FROM decision_index ORDER BY seq DESC LIMIT ?");
  const recentSession = db.prepare("SELECT * FROM decision_index WHERE session_id = ? ORDER BY seq DESC LIMIT ?");
  const expireSessions = db.prepare("DELETE FROM session_state WHERE last_seen_ms < ?");
  // Rows are appended in time order, so the expired ones are a prefix of seq: find the first row
  // still inside the TTL walking oldest-first (stops there), then delete everything before it.
  const firstFresh = db.prepare("SELECT seq FROM decision_index WHERE ts_ms >= ? ORDER BY seq ASC LIMIT 1");
  const expireBefore = db.prepare("DELETE FROM decision_index WHERE seq < ?");
  const expireAll = db.prepare("DELETE FROM decision_index");
  const capSessions = db.prepare("DELETE FROM session_state WHERE session_id IN (SELECT session_id FROM session_state ORDER BY last_seen_ms ASC LIMIT ?)");
  const capDecisions = db.prepare("DELETE FROM decision_index WHERE seq <= (SELECT max(seq) FROM decision_index) - ?");
  const orphanLast = db.prepare("DELETE FROM last_decision WHERE session_id NOT IN (SELECT session_id FROM session_state)");

  let sincePrune = 0;
  let closed = false;
  let pending: { action: Parameters<StateStore["record"]>[0]; decision: Decision; t: number }[] = [];
  let scheduled: NodeJS.Timeout | undefined;

  const tx = <T>(fn: () => T): T => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      db.exec("COMMIT");
      return out;
    } catch (e) {
      try {
        db.exec("ROLLBACK");
      } catch {
        // the transaction is already gone
      }
      throw e;
    }
  };

  function prune(): number {
    if (closed) return 0;
    return tx(() => {
      let removed = 0;
      const t = now();
      if (ttl > 0) {
        removed += Number(expireSessions.run(t - ttl).changes);
        const fresh = firstFresh.get(t - ttl) as { seq: number } | undefined;
        removed += Number((fresh ? expireBefore.run(fresh.seq) : expireAll.run()).changes);
      }
      const n = Number((countSessions.get() as { n: number }).n);
      if (n > maxSessions) removed += Number(capSessions.run(n - maxSessions).changes);
      removed += Number(capDecisions.run(maxDecisions).changes);
      removed += Number(orphanLast.run().changes);
      if (removed > 0) {
        telemetry.count("state_pruned", { backend: "sqlite" }, removed);
        logger.debug({ removed }, "session state pruned");
      }
      return removed;
    });
  }

  prune();

  /** Writes every pending record in one transaction. Never throws: a failure is logged and counted. */
  function flushPending(): void {
    if (scheduled !== undefined) {
      clearTimeout(scheduled);
      scheduled = undefined;
    }
    if (pending.length === 0 || closed) return;
    const batch = pending;
    pending = [];
    try {
      tx(() => {
        // One session row and one last-decision row per session and batch (a burst of tool calls
        // in one session is one upsert, and only its last decision is serialized); one index row
        // per decision.
        const sessions = new Map<string, SessionDelta>();
        for (const { action, decision, t } of batch) {
          const sid = sessionIdOf(action);
          const a = decision.action;
          let d = sessions.get(sid);
          if (!d) sessions.set(sid, (d = { first: t, n: 0, allow: 0, review: 0, block: 0, last: decision, lastT: t, source: "", channel: null }));
          d.n++;
          d[a]++;
          d.last = decision;
          d.lastT = t;
          d.source = action.context.source ?? "clawshield";
          d.channel = action.context.channel ?? null;
          addIndex.run(decision.id, t, sid, a, Math.round(decision.riskScore), JSON.stringify(ruleIds(decision)), JSON.stringify(decision.tags));
        }
        for (const [sid, d] of sessions) {
          upsert.run(sid, d.first, d.lastT, d.n, d.allow, d.review, d.block, d.last.action, Math.round(d.last.riskScore), d.source, d.channel);
          putLast.run(sid, d.last.id, d.lastT, storedDecisionJson(d.last));
        }
      });
    } catch (e) {
      telemetry.count("state_write_failed", { backend: "sqlite" }, batch.length);
      logger.error({ err: e, records: batch.length, code: ErrorCode.STORE_UNAVAILABLE }, "session state write failed");
      return;
    }
    sincePrune += batch.length;
    if (sincePrune >= pruneEvery) {
      sincePrune = 0;
      prune();
    }
  }

  const toRow = (r: Record<string, unknown>): DecisionIndexRow => ({
    id: String(r.id),
    ts_ms: Number(r.ts_ms),
    session_id: String(r.session_id),
    action: r.action as DecisionAction,
    risk_score: Number(r.risk_score),
    rule_ids: JSON.parse(String(r.rule_ids)) as string[],
    tags: JSON.parse(String(r.tags)) as string[],
  });

  return {
    id: "session-state",
    backend: "sqlite",
    path: file,
    record(action, decision: Decision) {
      if (closed) return;
      pending.push({ action, decision, t: now() });
      if (pending.length >= MAX_BATCH) flushPending();
      else if (scheduled === undefined) {
        scheduled = setTimeout(flushPending, FLUSH_MS);
      }
    },
    get(sessionId) {
      flushPending();
      const r = getState.get(sessionId) as Record<string, unknown> | undefined;
      if (!r) return undefined;
      return {
        session_id: String(r.session_id),
        first_seen_ms: Number(r.first_seen_ms),
        last_seen_ms: Number(r.last_seen_ms),
        total_requests: Number(r.total_requests),
        allowed_count: Number(r.allowed_count),
        review_count: Number(r.review_count),
        blocked_count: Number(r.blocked_count),
        last_action: r.last_action as DecisionAction,
        last_risk_score: Number(r.last_risk_score),
        last_source: String(r.last_source),
        last_channel: r.last_channel === null ? null : String(r.last_channel),
      } satisfies SessionState;
    },
    lastDecision(sessionId) {
      flushPending();
      const r = getLast.get(sessionId) as { decision_json: string } | undefined;
      return r ? (JSON.parse(r.decision_json) as Decision) : undefined;
    },
    decisions(o = {}) {
      flushPending();
      const limit = Math.max(1, Math.min(10_000, o.limit ?? 100));
      const rows = (o.session === undefined ? recentAll.all(limit) : recentSession.all(o.session, limit)) as Record<string, unknown>[];
      return rows.map(toRow);
    },
    sessionCount() {
      flushPending();
      return Number((countSessions.get() as { n: number }).n);
    },
    prune() {
      flushPending();
      return prune();
    },
    flush: flushPending,
    close() {
      if (closed) return;
      flushPending();
      closed = true;
      try {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // best effort
      }
      db.close();
    },
  };
}
