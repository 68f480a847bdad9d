// The VirusTotal FactProvider: for each action, looks up its URLs and files (cache first, then the
// rate-limited API) and turns every answer into a finding. A failure is never silent: it becomes a
// `vt.unavailable` finding whose effect is virustotal.fail_mode, a `vt_unavailable` count and a
// warning log.

import path from "node:path";
import type { ResolvedConfig } from "../../config/schema.ts";
import type { FactProvider, Logger, Telemetry } from "../../defender/types.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Action, DecisionAction, Finding, Subject } from "../../engine/types.ts";
import { ErrorCode } from "../../errors.ts";
import { noTelemetry, silentLogger } from "../../defender/types.ts";
import { resolveOpenClawPaths, type Env } from "../integrity/openclaw-paths.ts";
import { createMemoryVtCache, createSqliteVtCache, type CachedAnswer, type VtCache } from "./cache.ts";
import { RateLimiter, canonicalizeUrl, createVtClient, defaultSleep, vtUrlId, type VtAnswer, type VtClient } from "./client.ts";
import { hashFileSafely } from "./files.ts";

export interface VirusTotalDeps {
  readonly fetch?: typeof fetch;
  /** Milliseconds clock for the cache TTLs and the rate limiter. */
  readonly now?: () => number;
  /** Answer cache; default node:sqlite at virustotal.cache_path or <state_dir>/vt-cache.db. */
  readonly store?: VtCache;
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly env?: Env;
}

export interface VtLookupResult {
  readonly kind: "url" | "file";
  /** The canonical URL or the file's SHA-256. */
  readonly id: string;
  readonly answer: VtAnswer;
  readonly cached: boolean;
}

export interface VirusTotalProvider extends FactProvider {
  /** False without an API key (or with virustotal.enabled = false): collect returns []. */
  readonly enabled: boolean;
  /** Why it is enabled or not, for `clawshield config check` and /readyz. */
  readonly status: string;
  lookupUrl(url: string, signal?: AbortSignal): Promise<VtLookupResult | undefined>;
  lookupFileHash(sha256: string, signal?: AbortSignal): Promise<VtLookupResult>;
  /** Requests used in the current minute/day windows. */
  usage(): { minute: number; day: number };
  stop(): void;
}

/** Whether VirusTotal lookups run for this config, and why (used by `clawshield config check`). */
export function virusTotalStatus(config: ResolvedConfig): { enabled: boolean; status: string } {
  const key = config.security.virustotal_api_key?.trim() ?? "";
  if (key === "") return { enabled: false, status: "disabled: security.virustotal_api_key is not set (offline URL heuristics still run)" };
  if (!config.virustotal.enabled) return { enabled: false, status: "disabled: virustotal.enabled = false" };
  const v = config.virustotal;
  return { enabled: true, status: `enabled: ${v.base_url}, ${v.rate_per_minute}/min and ${v.rate_per_day}/day, timeout ${config.security.virustotal_timeout_ms} ms, fail_mode ${v.fail_mode}` };
}

/** Default cache file of a config. */
export function vtCachePath(config: ResolvedConfig): string {
  return config.virustotal.cache_path ?? path.join(config.runtime.state_dir, "vt-cache.db");
}

export function createVirusTotalProvider(config: ResolvedConfig, deps: VirusTotalDeps = {}): VirusTotalProvider {
  const v = config.virustotal;
  const { enabled, status } = virusTotalStatus(config);
  const now = deps.now ?? Date.now;
  const telemetry = deps.telemetry ?? noTelemetry;
  const log = deps.logger ?? silentLogger;
  const compat = config.security.scoring === "compat";
  let cache: VtCache | undefined = deps.store;
  const openCache = (): VtCache => {
    if (cache !== undefined) return cache;
    const file = vtCachePath(config);
    if (path.basename(file) === ":memory:") return (cache = createMemoryVtCache());
    try {
      cache = createSqliteVtCache(file);
    } catch (e) {
      log.warn({ err: (e as Error).message, file }, "VirusTotal cache could not be opened; using an in-memory cache");
      telemetry.count("vt_cache_unavailable");
      cache = createMemoryVtCache();
    }
    return cache;
  };
  let client: VtClient | undefined;
  let limiter: RateLimiter | undefined;
  const getClient = (): VtClient => {
    if (client !== undefined) return client;
    const c = openCache();
    limiter = new RateLimiter(v.rate_per_minute, v.rate_per_day, now, c.recentRequests(now() - 86_400_000));
    client = createVtClient({
      baseUrl: v.base_url,
      apiKey: config.security.virustotal_api_key?.trim() ?? "",
      timeoutMs: config.security.virustotal_timeout_ms,
      maxRetries: v.max_retries,
      retryMaxWaitMs: v.retry_max_wait_ms,
      limiter,
      fetch: deps.fetch ?? globalThis.fetch,
      now,
      sleep: deps.sleep ?? defaultSleep,
      onRequest: (ts) => {
        telemetry.count("vt_requests");
        try {
          c.recordRequest(ts);
        } catch {
          /* history is best effort */
        }
      },
    });
    return client;
  };
  const inflight = new Map<string, Promise<VtLookupResult>>();

  const lookup = (kind: "url" | "file", id: string, apiId: string, signal: AbortSignal): Promise<VtLookupResult> => {
    const key = `${kind}:${apiId}`;
    const c = openCache();
    let hit: CachedAnswer | undefined;
    try {
      hit = c.get(key, now());
    } catch (e) {
      log.warn({ err: (e as Error).message }, "VirusTotal cache read failed");
    }
    if (hit !== undefined) {
      telemetry.count("vt_cache_hits", { kind });
      return Promise.resolve({ kind, id, answer: hit, cached: true });
    }
    const running = inflight.get(key);
    if (running !== undefined) return running;
    const p = (async (): Promise<VtLookupResult> => {
      const answer = await getClient().get(kind, apiId, signal);
      if (answer.status !== "error") {
        const ttl = answer.status === "found" ? v.cache_ttl_secs : v.negative_cache_ttl_secs;
        if (ttl > 0) {
          try {
            c.set(key, answer, now() + ttl * 1000, now());
          } catch (e) {
            log.warn({ err: (e as Error).message }, "VirusTotal cache write failed");
          }
        }
      }
      return { kind, id, answer, cached: false };
    })().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };

  const failure = (kind: "url" | "file", shown: string, field: string, a: Extract<VtAnswer, { status: "error" }>): Finding => {
    telemetry.count("vt_unavailable", { reason: a.reason, kind });
    log.warn({ kind, reason: a.reason, detail: a.detail, httpStatus: a.httpStatus }, "VirusTotal lookup failed");
    const code = a.reason === "timeout" || a.reason === "aborted" ? ErrorCode.LOOKUP_TIMEOUT : ErrorCode.LOOKUP_FAILED;
    const floor: DecisionAction | undefined = v.fail_mode === "closed" ? "block" : v.fail_mode === "review" ? "review" : undefined;
    const effect = v.fail_mode === "open" ? "no risk added (virustotal.fail_mode = open)" : v.fail_mode === "review" ? "decided at least review (virustotal.fail_mode = review)" : "blocked (virustotal.fail_mode = closed)";
    return {
      ruleId: "vt.unavailable",
      category: "reputation",
      score: 0,
      tag: kind === "url" ? "vt_url_error" : "vt_file_error",
      message: `VirusTotal ${kind} lookup failed [${code}: ${a.reason}]: ${a.detail}; reputation unknown, ${effect}`,
      evidence: { field, start: 0, end: shown.length, excerpt: excerpt(shown, 0, shown.length, 120) },
      ...(floor === undefined ? {} : { floor }),
    };
  };

  const verdict = (kind: "url" | "file", shown: string, field: string, a: CachedAnswer, cached: boolean): Finding => {
    const prefix = kind === "url" ? "vt_url" : "vt_file";
    const ev = { field, start: 0, end: shown.length, excerpt: excerpt(shown, 0, shown.length, 120) };
    const from = cached ? " (cached answer)" : "";
    if (a.status === "not_found") {
      return { ruleId: `vt.${kind}.unknown`, category: "reputation", score: kind === "url" ? 10 : 8, tag: `${prefix}_unknown`, message: `VirusTotal has no ${kind === "url" ? "URL history" : "report"} for this ${kind}${from}; treat it as unvetted`, evidence: ev };
    }
    const s = a.stats;
    const stats = `malicious=${s.malicious}, suspicious=${s.suspicious}, harmless=${s.harmless}`;
    const [level, score] = s.malicious > 0 ? ["malicious", 75] as const : s.suspicious > 0 ? ["suspicious", 45] as const : s.harmless > 0 ? ["clean", 0] as const : ["unknown", 10] as const;
    const advice = level === "malicious" ? "do not open or run it" : level === "suspicious" ? "check it before use" : level === "clean" ? "no engine flags it" : "no engine has an opinion";
    return { ruleId: `vt.${kind}.${level}`, category: "reputation", score, tag: `${prefix}_${level}`, message: `VirusTotal stats => ${stats}${from}: ${advice}`, evidence: ev };
  };

  const roots = (): string[] => {
    if (v.file_roots.length > 0) return [...v.file_roots];
    return [config.baseDir, resolveOpenClawPaths(config, deps.env ?? process.env).workspaceDir];
  };

  const provider: VirusTotalProvider = {
    id: "virustotal",
    enabled,
    status,
    usage: () => limiter?.usage() ?? { minute: 0, day: 0 },
    async lookupUrl(url, signal = new AbortController().signal) {
      const canon = canonicalizeUrl(url);
      if (canon === undefined) return undefined;
      return lookup("url", canon, vtUrlId(canon), signal);
    },
    lookupFileHash(sha256, signal = new AbortController().signal) {
      return lookup("file", sha256.toLowerCase(), sha256.toLowerCase(), signal);
    },
    async collect(action: Action, subjects: readonly Subject[], signal: AbortSignal): Promise<Finding[]> {
      if (!enabled) return [];
      const out: Finding[] = [];
      try {
        type Job = { kind: "url" | "file"; value: string; field: string };
        const jobs: Job[] = [];
        const seen = new Set<string>();
        for (const s of subjects) {
          if (s.kind === "url" && v.lookup_urls) {
            const canon = canonicalizeUrl(s.value);
            if (canon === undefined || isInternal(canon) || seen.has(`u:${canon}`)) continue;
            seen.add(`u:${canon}`);
            jobs.push({ kind: "url", value: canon, field: s.field });
          } else if (s.kind === "file" && v.lookup_files && s.field !== "params.cwd" && !s.field.endsWith(".cwd")) {
            if (seen.has(`f:${s.value}`)) continue;
            seen.add(`f:${s.value}`);
            jobs.push({ kind: "file", value: s.value, field: s.field });
          }
        }
        const run = jobs.slice(0, v.max_lookups_per_action);
        for (const j of jobs.slice(v.max_lookups_per_action)) {
          telemetry.count("vt_skipped", { kind: j.kind });
          out.push({ ruleId: "vt.skipped", category: "reputation", score: 0, tag: j.kind === "url" ? "vt_url_skipped" : "vt_file_skipped", message: `not looked up on VirusTotal: more than virustotal.max_lookups_per_action (${v.max_lookups_per_action}) in one action`, evidence: { field: j.field, start: 0, end: j.value.length, excerpt: excerpt(j.value, 0, j.value.length, 120) } });
        }
        const results = await Promise.all(run.map(async (j): Promise<Finding | undefined> => {
          if (j.kind === "url") {
            const r = await lookup("url", j.value, vtUrlId(j.value), signal);
            return r.answer.status === "error" ? failure("url", j.value, j.field, r.answer) : verdict("url", j.value, j.field, r.answer, r.cached);
          }
          const h = await hashFileSafely(j.value, roots(), v.file_max_bytes, signal);
          const ev = { field: j.field, start: 0, end: j.value.length, excerpt: excerpt(j.value, 0, j.value.length, 120) };
          if (h.status === "directory") return undefined;
          if (h.status === "missing") {
            return { ruleId: "vt.file.missing", category: "reputation", score: compat ? 10 : 0, tag: "vt_file_missing", message: "file does not exist for VT scan", evidence: ev };
          }
          if (h.status === "refused") {
            telemetry.count("vt_file_refused", { reason: h.reason });
            return { ruleId: "vt.file.refused", category: "reputation", score: 0, tag: "vt_file_refused", message: `file not hashed for VirusTotal (${h.reason}): ${h.detail}`, evidence: ev };
          }
          const r = await lookup("file", h.sha256, h.sha256, signal);
          return r.answer.status === "error" ? failure("file", j.value, j.field, r.answer) : verdict("file", j.value, j.field, r.answer, r.cached);
        }));
        for (const f of results) if (f !== undefined) out.push(f);
      } catch (e) {
        // A bug here must still be visible and follow the fail mode.
        out.push(failure("url", action.id, "action", { status: "error", reason: "network", detail: `internal error: ${(e as Error).message}` }));
      }
      return out;
    },
    stop() {
      cache?.close();
    },
  };
  return provider;
}

function isInternal(canon: string): boolean {
  const h = new URL(canon).hostname;
  return h === "localhost" || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal") || /^(?:127|10|0)\.|^192\.168\.|^172\.(?:1[6-9]|2\d|3[01])\.|^169\.254\./.test(h) || h === "[::1]";
}
