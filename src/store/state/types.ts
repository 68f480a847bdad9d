// Session state: per-session counters in the Rust runtime's record shape (rust-agent-spec §1.6),
// the last decision of each session and (SQLite only) an index of every decision. The store is a
// DecisionSink: the defender (and the pipeline, for decisions it makes itself) records into it.

import type { DecisionSink } from "../../defender/defender.ts";
import type { Logger, Telemetry } from "../../defender/types.ts";
import type { Action, Decision, DecisionAction } from "../../engine/types.ts";

/** The Rust `SessionState` record, same field names. */
export interface SessionState {
  readonly session_id: string;
  readonly first_seen_ms: number;
  readonly last_seen_ms: number;
  readonly total_requests: number;
  readonly allowed_count: number;
  readonly review_count: number;
  readonly blocked_count: number;
  readonly last_action: DecisionAction;
  readonly last_risk_score: number;
  readonly last_source: string;
  readonly last_channel: string | null;
}

export interface DecisionIndexRow {
  readonly id: string;
  readonly ts_ms: number;
  readonly session_id: string;
  readonly action: DecisionAction;
  readonly risk_score: number;
  readonly rule_ids: readonly string[];
  readonly tags: readonly string[];
}

export interface StateStore extends DecisionSink {
  readonly backend: "sqlite" | "json";
  readonly path: string;
  get(sessionId: string): SessionState | undefined;
  lastDecision(sessionId: string): Decision | undefined;
  /** Most recent first. The JSON backend keeps no index and returns []. */
  decisions(opts?: { session?: string; limit?: number }): DecisionIndexRow[];
  /** Number of sessions held. */
  sessionCount(): number;
  /** Applies the bounds now (TTL, max sessions, max decisions); returns rows removed. */
  prune(): number;
  /** Writes pending changes (JSON backend); no-op for SQLite (every record is a transaction). */
  flush(): void;
  close(): void;
}

export interface StateStoreOptions {
  /** Sessions not seen for this long are removed (default 30 days; 0 = never). */
  readonly sessionTtlMs?: number;
  /** At most this many sessions; the least recently seen are removed first (default 100 000). */
  readonly maxSessions?: number;
  /** At most this many decision index rows (SQLite; default 1 000 000). */
  readonly maxDecisions?: number;
  /** Bounds are applied every this many records (default 1000) and at open. */
  readonly pruneEvery?: number;
  /** JSON backend: coalesce writes for this long (default 200 ms; 0 = write on every record). */
  readonly jsonFlushMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
}

export const STATE_DEFAULTS = {
  sessionTtlMs: 30 * 24 * 3600 * 1000,
  maxSessions: 100_000,
  maxDecisions: 1_000_000,
  pruneEvery: 1000,
  jsonFlushMs: 200,
} as const;

/** Longest session id stored as is; longer (attacker-chosen) ids are cut and suffixed with a hash. */
export const MAX_SESSION_ID = 256;
/** A stored last decision larger than this drops its findings' evidence, then its findings. */
export const MAX_DECISION_JSON = 64 * 1024;

export type { Action, Decision };
