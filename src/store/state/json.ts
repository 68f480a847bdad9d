// JSON session state: the Rust file shape (one object mapping session_id to its record), each record
// with an extra `last_decision`. Held in memory; written with an atomic replace (temp file, fsync,
// rename) so a crash leaves the old or the new file, never a torn one. Writes are coalesced for
// jsonFlushMs (a crash loses at most that window of counter updates, never the file). A malformed
// file is moved aside (<path>.corrupt-<ms>), logged and counted, and the store starts empty.
// No decision index (use a .db path for that).

import { readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { noTelemetry, silentLogger } from "../../defender/types.ts";
import type { Decision, DecisionAction } from "../../engine/types.ts";
import { writeFileAtomicSync } from "../atomic-file.ts";
import { sessionIdOf, storedDecisionJson } from "./common.ts";
import { STATE_DEFAULTS, type SessionState, type StateStore, type StateStoreOptions } from "./types.ts";

interface Entry {
  state: SessionState;
  last?: Decision;
}

const ACTIONS = new Set(["allow", "review", "block"]);

function parseRecord(id: string, v: unknown): Entry | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  const num = (k: string): number => (typeof r[k] === "number" && Number.isFinite(r[k]) ? (r[k] as number) : 0);
  const state: SessionState = {
    session_id: typeof r.session_id === "string" ? r.session_id : id,
    first_seen_ms: num("first_seen_ms"),
    last_seen_ms: num("last_seen_ms"),
    total_requests: num("total_requests"),
    allowed_count: num("allowed_count"),
    review_count: num("review_count"),
    blocked_count: num("blocked_count"),
    last_action: (typeof r.last_action === "string" && ACTIONS.has(r.last_action.toLowerCase()) ? r.last_action.toLowerCase() : "allow") as DecisionAction,
    last_risk_score: num("last_risk_score"),
    last_source: typeof r.last_source === "string" ? r.last_source : "unknown",
    last_channel: typeof r.last_channel === "string" ? r.last_channel : null,
  };
  const last = typeof r.last_decision === "object" && r.last_decision !== null ? (r.last_decision as Decision) : undefined;
  return last ? { state, last } : { state };
}

export function openJsonStateStore(file: string, opts: StateStoreOptions = {}): StateStore {
  const logger = opts.logger ?? silentLogger;
  const telemetry = opts.telemetry ?? noTelemetry;
  const now = opts.now ?? Date.now;
  const ttl = opts.sessionTtlMs ?? STATE_DEFAULTS.sessionTtlMs;
  const maxSessions = opts.maxSessions ?? STATE_DEFAULTS.maxSessions;
  const pruneEvery = Math.max(1, opts.pruneEvery ?? STATE_DEFAULTS.pruneEvery);
  const flushMs = opts.jsonFlushMs ?? STATE_DEFAULTS.jsonFlushMs;
  const map = new Map<string, Entry>();

  // Leftover temp files of an interrupted atomic write are garbage (the rename never happened).
  try {
    const base = `.${path.basename(file)}.`;
    for (const n of readdirSync(path.dirname(file))) if (n.startsWith(base) && n.endsWith(".tmp")) rmSync(path.join(path.dirname(file), n), { force: true });
  } catch {
    // folder does not exist yet
  }

  let text: string | undefined;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") logger.warn({ err: e, path: file }, "session state file unreadable; starting empty");
  }
  if (text !== undefined && text.trim() !== "") {
    try {
      const doc = JSON.parse(text) as unknown;
      if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("top level is not an object");
      for (const [id, v] of Object.entries(doc)) {
        const e = parseRecord(id, v);
        if (e) map.set(id, e);
      }
    } catch (e) {
      const aside = `${file}.corrupt-${now()}`;
      try {
        renameSync(file, aside);
      } catch {
        // keep going: the next write replaces it
      }
      telemetry.count("state_corrupt", { backend: "json" });
      logger.error({ err: e, path: file, movedTo: aside }, "session state file is malformed; moved aside, starting empty");
    }
  }

  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let sincePrune = 0;
  let closed = false;

  function write(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    const doc: Record<string, unknown> = {};
    for (const [id, e] of map) doc[id] = e.last ? { ...e.state, last_decision: JSON.parse(storedDecisionJson(e.last)) as unknown } : e.state;
    try {
      writeFileAtomicSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    } catch (e) {
      dirty = true;
      telemetry.count("state_write_failed", { backend: "json" });
      logger.error({ err: e, path: file }, "session state write failed");
    }
  }

  function prune(): number {
    let removed = 0;
    const t = now();
    if (ttl > 0) {
      for (const [id, e] of map) {
        if (e.state.last_seen_ms < t - ttl) {
          map.delete(id);
          removed++;
        }
      }
    }
    if (map.size > maxSessions) {
      const oldest = [...map.entries()].sort((a, b) => a[1].state.last_seen_ms - b[1].state.last_seen_ms).slice(0, map.size - maxSessions);
      for (const [id] of oldest) map.delete(id);
      removed += oldest.length;
    }
    if (removed > 0) {
      dirty = true;
      telemetry.count("state_pruned", { backend: "json" }, removed);
    }
    return removed;
  }

  prune();

  return {
    id: "session-state",
    backend: "json",
    path: file,
    record(action, decision) {
      if (closed) return;
      const sid = sessionIdOf(action);
      const t = now();
      const prev = map.get(sid)?.state;
      const a = decision.action;
      const state: SessionState = {
        session_id: sid,
        first_seen_ms: prev?.first_seen_ms ?? t,
        last_seen_ms: t,
        total_requests: (prev?.total_requests ?? 0) + 1,
        allowed_count: (prev?.allowed_count ?? 0) + (a === "allow" ? 1 : 0),
        review_count: (prev?.review_count ?? 0) + (a === "review" ? 1 : 0),
        blocked_count: (prev?.blocked_count ?? 0) + (a === "block" ? 1 : 0),
        last_action: a,
        last_risk_score: Math.round(decision.riskScore),
        last_source: action.context.source ?? "clawshield",
        last_channel: action.context.channel ?? null,
      };
      map.delete(sid); // re-insert: Map order is then least-recently-seen first
      map.set(sid, { state, last: decision });
      dirty = true;
      if (++sincePrune >= pruneEvery) {
        sincePrune = 0;
        prune();
      }
      if (flushMs <= 0) write();
      else if (!timer) {
        timer = setTimeout(write, flushMs);
        timer.unref();
      }
    },
    get: (id) => map.get(id)?.state,
    lastDecision: (id) => map.get(id)?.last,
    decisions: () => [],
    sessionCount: () => map.size,
    prune,
    flush: write,
    close() {
      if (closed) return;
      write();
      closed = true;
    },
  };
}
