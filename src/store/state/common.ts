// Helpers shared by both state backends.

import { createHash } from "node:crypto";
import type { Action, Decision } from "../../engine/types.ts";
import { MAX_DECISION_JSON, MAX_SESSION_ID } from "./types.ts";

/** The Rust key: the raw session id, or "global"; over-long ids are cut and suffixed with a hash. */
export function sessionIdOf(action: Action): string {
  const raw = action.context.sessionKey?.trim() || "global";
  if (raw.length <= MAX_SESSION_ID) return raw;
  return `${raw.slice(0, MAX_SESSION_ID - 17)}#${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

/** The decision as stored: bounded in size (evidence first, then findings are dropped). */
export function storedDecisionJson(d: Decision): string {
  let s = JSON.stringify(d);
  if (s.length <= MAX_DECISION_JSON) return s;
  s = JSON.stringify({ ...d, findings: d.findings.map(({ evidence: _e, ...f }) => f), tags: [...d.tags, "state_truncated"] });
  if (s.length <= MAX_DECISION_JSON) return s;
  return JSON.stringify({ ...d, findings: [], reasons: d.reasons.slice(0, 20).map((r) => r.slice(0, 500)), tags: [...d.tags.slice(0, 50), "state_truncated"] });
}

export function ruleIds(d: Decision): string[] {
  return [...new Set(d.findings.map((f) => f.ruleId))];
}
