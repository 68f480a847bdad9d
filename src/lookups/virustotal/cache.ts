// Persistent cache of VirusTotal answers (node:sqlite, WAL) with separate TTLs for answers with a
// report and "not found" answers, plus the request history the rate limiter needs across restarts.
// Errors are never cached.

import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { VtAnswer } from "./client.ts";

export type CachedAnswer = Extract<VtAnswer, { status: "found" } | { status: "not_found" }>;

export interface VtCache {
  get(key: string, now: number): CachedAnswer | undefined;
  set(key: string, answer: CachedAnswer, expiresAt: number, now: number): void;
  /** Timestamps of requests sent in the last 24 h (rate-limiter history). */
  recentRequests(since: number): number[];
  recordRequest(ts: number): void;
  close(): void;
}

/** In-memory cache (tests, ":memory:", or when the database cannot be opened). */
export function createMemoryVtCache(): VtCache {
  const m = new Map<string, { a: CachedAnswer; exp: number }>();
  const reqs: number[] = [];
  return {
    get(key, now) {
      const e = m.get(key);
      if (e === undefined) return undefined;
      if (e.exp <= now) {
        m.delete(key);
        return undefined;
      }
      return e.a;
    },
    set(key, a, exp) {
      if (m.size > 50_000) m.delete(m.keys().next().value as string);
      m.set(key, { a, exp });
    },
    recentRequests: (since) => reqs.filter((t) => t > since),
    recordRequest(ts) {
      reqs.push(ts);
      if (reqs.length > 200_000) reqs.splice(0, reqs.length - 100_000);
    },
    close() {},
  };
}

/** SQLite cache at `file` (created with its folder). Throws when the file cannot be opened. */
export function createSqliteVtCache(file: string): VtCache {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;");
  db.exec(`CREATE TABLE IF NOT EXISTS vt_answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL, expires_at INTEGER NOT NULL, stored_at INTEGER NOT NULL);
           CREATE INDEX IF NOT EXISTS vt_answers_exp ON vt_answers(expires_at);
           CREATE TABLE IF NOT EXISTS vt_requests (ts INTEGER NOT NULL);
           CREATE INDEX IF NOT EXISTS vt_requests_ts ON vt_requests(ts);`);
  const qGet = db.prepare("SELECT answer, expires_at FROM vt_answers WHERE key = ?");
  const qDel = db.prepare("DELETE FROM vt_answers WHERE key = ?");
  const qSet = db.prepare("INSERT INTO vt_answers(key, answer, expires_at, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET answer = excluded.answer, expires_at = excluded.expires_at, stored_at = excluded.stored_at");
  const qPurge = db.prepare("DELETE FROM vt_answers WHERE expires_at <= ?");
  const qReqs = db.prepare("SELECT ts FROM vt_requests WHERE ts > ? ORDER BY ts");
  const qReq = db.prepare("INSERT INTO vt_requests(ts) VALUES (?)");
  const qReqPurge = db.prepare("DELETE FROM vt_requests WHERE ts <= ?");
  let writes = 0;
  return {
    get(key, now) {
      const row = qGet.get(key) as { answer: string; expires_at: number } | undefined;
      if (row === undefined) return undefined;
      if (row.expires_at <= now) {
        qDel.run(key);
        return undefined;
      }
      try {
        return JSON.parse(row.answer) as CachedAnswer;
      } catch {
        qDel.run(key);
        return undefined;
      }
    },
    set(key, a, exp, now) {
      qSet.run(key, JSON.stringify(a), Math.round(exp), Math.round(now));
      if (++writes % 500 === 0) qPurge.run(Math.round(now));
    },
    recentRequests: (since) => (qReqs.all(Math.round(since)) as { ts: number }[]).map((r) => r.ts),
    recordRequest(ts) {
      qReq.run(Math.round(ts));
      if (++writes % 500 === 0) qReqPurge.run(Math.round(ts - 86_400_000));
    },
    close() {
      if (db.isOpen) db.close();
    },
  };
}
