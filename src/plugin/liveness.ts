// Plugin side of the hook-liveness contract (version 1, defined in src/gateway/liveness.ts): every
// before_tool_call decision is recorded synchronously in a process-wide ring, and the sidecar polls
// them through the Gateway RPC method `clawshield.decisions` to check that every tool call it saw was
// decided by the plugin (a hook that silently did not fire raises `unguarded_tool_call` there).

import { randomUUID } from "node:crypto";
import { stripUndefined } from "../engine/action.ts";
import type { DecisionAction } from "../engine/types.ts";

export const LIVENESS_CONTRACT_VERSION = 1;
export const RING_SIZE = 4096;
export const DEFAULT_LIMIT = 500;

export interface LivenessRecord {
  readonly seq: number;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly toolName: string;
  readonly sessionKey?: string;
  readonly action: DecisionAction;
  readonly ts: number;
}

export interface LivenessResponse {
  readonly v: 1;
  readonly instanceId: string;
  readonly seq: number;
  readonly decisions: readonly LivenessRecord[];
}

export class DecisionRing {
  readonly instanceId: string = randomUUID();
  readonly #size: number;
  readonly #buf: LivenessRecord[] = [];
  #seq = 0;

  constructor(size: number = RING_SIZE) {
    this.#size = size;
  }

  get seq(): number {
    return this.#seq;
  }

  record(r: Omit<LivenessRecord, "seq" | "ts"> & { ts?: number }): LivenessRecord {
    const rec: LivenessRecord = { ...stripUndefined(r), seq: ++this.#seq, ts: r.ts ?? Date.now() } as LivenessRecord;
    this.#buf.push(rec);
    if (this.#buf.length > this.#size) this.#buf.splice(0, this.#buf.length - this.#size);
    return rec;
  }

  /** Records with seq > since, oldest first, at most `limit`. */
  query(params: { since?: unknown; limit?: unknown } = {}): LivenessResponse {
    const since = typeof params.since === "number" && Number.isFinite(params.since) ? params.since : 0;
    const limit = typeof params.limit === "number" && Number.isInteger(params.limit) && params.limit > 0 ? Math.min(params.limit, this.#size) : DEFAULT_LIMIT;
    const out: LivenessRecord[] = [];
    for (const r of this.#buf) {
      if (r.seq <= since) continue;
      out.push(r);
      if (out.length >= limit) break;
    }
    return { v: 1, instanceId: this.instanceId, seq: this.#seq, decisions: out };
  }
}

/**
 * The Gateway method handler: `{since?, limit?}` → respond(true, LivenessResponse). `extra` adds
 * members to the response (the plugin's hook wall times); readers of contract v1 ignore them.
 */
export function livenessHandler(ring: () => DecisionRing, extra?: () => Record<string, unknown>): (opts: { params?: Record<string, unknown>; respond: (ok: boolean, payload?: unknown) => void }) => void {
  return ({ params, respond }) => {
    respond(true, { ...(extra?.() ?? {}), ...ring().query(params ?? {}) });
  };
}
