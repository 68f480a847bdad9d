// Session taint: a session (by OpenClaw sessionKey) that received a prompt injection — in an
// inbound message or in a tool result (fetched page, file, command output) — is tainted for a
// while, and its later tool calls are judged more strictly. Bounded: at most `maxSessions`
// entries (least recently tainted dropped first), each expiring `ttlMs` after its last injection.
// Scans still running for a session are tracked so a tool call can wait (bounded) for them.

export interface TaintInfo {
  /** What carried the injection, e.g. "read result", "web_fetch result", "inbound message". */
  readonly source: string;
  /** The prompt-injection rule ids that fired (strongest first, at most a few). */
  readonly ruleIds: readonly string[];
  readonly riskScore: number;
  /** Decision id of the scan that tainted the session (find it in the decision log). */
  readonly decisionId: string;
  readonly tool?: string;
  readonly toolCallId?: string;
  /** First and latest taint time (ms since epoch); `count` injections so far. */
  readonly firstAtMs: number;
  readonly atMs: number;
  readonly count: number;
}

export interface TaintTrackerOptions {
  readonly ttlMs: number;
  readonly maxSessions: number;
  readonly now?: () => number;
}

export class TaintTracker {
  #ttlMs: number;
  #max: number;
  readonly #now: () => number;
  /** Insertion order = least recently tainted first. */
  readonly #map = new Map<string, TaintInfo>();
  readonly #pending = new Map<string, Set<Promise<unknown>>>();
  #evicted = 0;

  constructor(opts: TaintTrackerOptions) {
    this.#ttlMs = opts.ttlMs;
    this.#max = opts.maxSessions;
    this.#now = opts.now ?? Date.now;
  }

  /** Applies new limits (config reload); trims at once when the bound shrank. */
  configure(opts: { ttlMs: number; maxSessions: number }): void {
    this.#ttlMs = opts.ttlMs;
    this.#max = opts.maxSessions;
    this.#trim();
  }

  get size(): number {
    return this.#map.size;
  }

  /** Entries dropped because of the size bound since start. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Marks the session tainted (or refreshes it). */
  taint(sessionKey: string, info: Omit<TaintInfo, "firstAtMs" | "atMs" | "count">): TaintInfo {
    const now = this.#now();
    const prev = this.get(sessionKey);
    const next: TaintInfo = { ...info, firstAtMs: prev?.firstAtMs ?? now, atMs: now, count: (prev?.count ?? 0) + 1 };
    this.#map.delete(sessionKey);
    this.#map.set(sessionKey, next);
    this.#trim();
    return next;
  }

  /** The session's taint, or undefined when it was never tainted or the taint expired. */
  get(sessionKey: string): TaintInfo | undefined {
    const info = this.#map.get(sessionKey);
    if (info === undefined) return undefined;
    if (this.#now() - info.atMs >= this.#ttlMs) {
      this.#map.delete(sessionKey);
      return undefined;
    }
    return info;
  }

  clear(sessionKey: string): boolean {
    return this.#map.delete(sessionKey);
  }

  /** Registers a scan running for the session (removed when it settles). */
  track(sessionKey: string, scan: Promise<unknown>): void {
    let set = this.#pending.get(sessionKey);
    if (set === undefined) {
      set = new Set();
      this.#pending.set(sessionKey, set);
    }
    const s = set;
    const p = scan.then(
      () => undefined,
      () => undefined,
    );
    s.add(p);
    void p.then(() => {
      s.delete(p);
      if (s.size === 0 && this.#pending.get(sessionKey) === s) this.#pending.delete(sessionKey);
    });
  }

  /** Number of scans still running for the session. */
  pending(sessionKey: string): number {
    return this.#pending.get(sessionKey)?.size ?? 0;
  }

  /** Waits for the session's running scans, at most `timeoutMs`. Returns false on timeout. */
  async settle(sessionKey: string, timeoutMs: number): Promise<boolean> {
    const set = this.#pending.get(sessionKey);
    if (set === undefined || set.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...set]).then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #trim(): void {
    const now = this.#now();
    for (const [k, v] of this.#map) {
      if (this.#map.size <= this.#max && now - v.atMs < this.#ttlMs) break;
      this.#map.delete(k);
      if (now - v.atMs < this.#ttlMs) this.#evicted++;
    }
  }
}

/** One line for block reasons and logs: "tainted by a prompt injection in the read result (inj.override.ignore-previous, …) 12 s ago". */
export function describeTaint(info: TaintInfo, now: number = Date.now()): string {
  const ago = Math.max(0, Math.round((now - info.atMs) / 1000));
  const rules = info.ruleIds.slice(0, 3).join(", ") + (info.ruleIds.length > 3 ? ", …" : "");
  return `session tainted by a prompt injection in the ${info.source} (${rules}; decision ${info.decisionId}, ${ago} s ago)`;
}
