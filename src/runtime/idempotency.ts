// Idempotency: a decision is reused for an action with the same *content*, never for the same id
// alone (the Rust runtime keyed on request ids, so a reused id replayed an old allow for new
// content). The key is SHA-256 over canonical JSON of kind, normalized content, tool, channel,
// session and the flags that change scoring (taint, activation). TTL- and size-bounded (lru-cache).

import { hash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { parseSessionKey } from "../engine/session-key.ts";
import type { Action, Decision } from "../engine/types.ts";

/**
 * Canonical JSON of untrusted action content for the signature: keys sorted, undefined dropped,
 * strings NFC-normalized (so look-alike encodings share a signature), depth-bounded. Deliberately
 * not src/store/chain.ts `canonicalJson`, which must stay byte-identical to JSON.stringify because
 * the decision log's hashes are verified against the serialized lines.
 */
export function signatureJson(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v.normalize("NFC"));
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return JSON.stringify(v.toString());
  if (depth > 64) return '"<deep>"';
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ",";
      out += signatureJson(v[i], depth + 1);
    }
    return `${out}]`;
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    let out = "{";
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = o[k];
      if (x === undefined) continue;
      if (first) first = false;
      else out += ",";
      out += JSON.stringify(k);
      out += ":";
      out += signatureJson(x, depth + 1);
    }
    return `${out}}`;
  }
  return JSON.stringify(String(v));
}

/** Extra inputs to the signature that are not action content but change the decision. */
export interface SignatureExtra {
  /** "ignored" for un-mentioned group actions (their decision carries the ignored_activation tag). */
  readonly activation?: string;
}

/** The content signature (hex SHA-256). Two actions with the same signature get the same decision. */
export function contentSignature(action: Action, extra: SignatureExtra = {}): string {
  const session = action.context.sessionKey ? parseSessionKey(action.context.sessionKey).canonical : null;
  const doc = {
    v: 1,
    kind: action.kind,
    text: action.text ?? null,
    command: action.command ?? null,
    url: action.url ?? null,
    file: action.file ?? null,
    tool: action.tool?.trim().toLowerCase() ?? null,
    params: action.params ?? null,
    toolOutput: action.toolOutput ?? null,
    channel: action.context.channel?.trim().toLowerCase() ?? null,
    session,
    tainted: action.context.tainted === true,
    activation: extra.activation ?? null,
  };
  return hash("sha256", signatureJson(doc), "hex");
}

/** Tags that describe how one submission was scheduled; they are not part of a reusable decision. */
const SCHEDULING_TAG = /^(?:superseded_by:|merged_into:|idempotency_hit$|timeout$|queue_overflow$|collected$|late_after_timeout$)/;

export interface IdempotencyCache {
  get(signature: string): Decision | undefined;
  set(signature: string, decision: Decision): void;
  readonly size: number;
  clear(): void;
}

export interface IdempotencyOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Millisecond clock (tests); default performance.now. */
  readonly now?: () => number;
}

export function createIdempotencyCache(opts: IdempotencyOptions): IdempotencyCache {
  const cache = new LRUCache<string, Decision>({
    max: Math.max(1, opts.maxEntries),
    ttl: Math.max(1, opts.ttlMs),
    ttlAutopurge: false,
    updateAgeOnGet: false,
    allowStale: false,
    ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
  });
  return {
    get: (sig) => cache.get(sig),
    set(sig, decision) {
      cache.set(sig, { ...decision, tags: decision.tags.filter((t) => !SCHEDULING_TAG.test(t)) });
    },
    get size() {
      return cache.size;
    },
    clear: () => cache.clear(),
  };
}

/** The decision returned on a cache hit: the cached one, re-addressed to this action and tagged. */
export function hitDecision(cached: Decision, action: Action): Decision {
  return {
    ...cached,
    id: action.id,
    tags: [...cached.tags, "idempotency_hit"],
    reasons: [...cached.reasons, `decision reused from the idempotency cache (same content as ${cached.id})`],
  };
}
