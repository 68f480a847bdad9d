// VirusTotal v3 HTTP client: URL ids, a rate limiter, request timeout and bounded retries on
// 429/5xx honouring Retry-After. Never uploads anything: only GET /api/v3/urls/{id} and
// GET /api/v3/files/{sha256}.

import { parseUrl } from "../../detectors/url/detect.ts";

/** Analysis counts from data.attributes.last_analysis_stats (missing counts are 0). */
export interface VtStats {
  readonly malicious: number;
  readonly suspicious: number;
  readonly harmless: number;
  readonly undetected: number;
}

/** What one lookup found out. Errors are values, never thrown. */
export type VtAnswer =
  | { readonly status: "found"; readonly stats: VtStats }
  | { readonly status: "not_found" }
  | { readonly status: "error"; readonly reason: VtFailure; readonly detail: string; readonly httpStatus?: number };

export type VtFailure = "timeout" | "aborted" | "network" | "http_5xx" | "http_429" | "http_4xx" | "auth" | "malformed" | "rate_limited" | "paused";

/**
 * Canonical form of a URL before its id is computed, so `http://EVIL.com` and `http://evil.com/`
 * share one id and one cache entry: WHATWG parsing (lower-case scheme and host, IDN to punycode,
 * default port dropped, "/" for an empty path, dot segments resolved), fragment removed.
 */
export function canonicalizeUrl(input: string): string | undefined {
  const p = parseUrl(input);
  if (p === undefined) return undefined;
  const u = new URL(p.url.href);
  if (!["http:", "https:", "ftp:"].includes(u.protocol)) return undefined;
  u.hash = "";
  return u.href;
}

/** VirusTotal's URL identifier: unpadded URL-safe base64 of the (canonicalized) URL. */
export function vtUrlId(url: string): string {
  return Buffer.from(url, "utf8").toString("base64url");
}

/**
 * Sliding-window rate limiter: at most `perMinute` requests in any 60 s window and `perDay` in
 * any 24 h window. (A token bucket refilling continuously would allow up to 2N-1 requests inside
 * one window, which is what VirusTotal's quota counts.) The clock is injected.
 */
export class RateLimiter {
  readonly #minute: number[] = [];
  readonly #day: number[] = [];
  readonly perMinute: number;
  readonly perDay: number;
  readonly #now: () => number;
  constructor(perMinute: number, perDay: number, now: () => number, history: readonly number[] = []) {
    this.perMinute = perMinute;
    this.perDay = perDay;
    this.#now = now;
    const t = now();
    for (const ts of [...history].sort((a, b) => a - b)) {
      if (ts > t - 86_400_000) this.#day.push(ts);
      if (ts > t - 60_000) this.#minute.push(ts);
    }
  }
  #prune(t: number): void {
    while (this.#minute.length > 0 && this.#minute[0]! <= t - 60_000) this.#minute.shift();
    while (this.#day.length > 0 && this.#day[0]! <= t - 86_400_000) this.#day.shift();
  }
  /** Takes a slot if one is free; returns the time it was taken, or undefined. */
  tryTake(): number | undefined {
    const t = this.#now();
    this.#prune(t);
    if (this.#minute.length >= this.perMinute || this.#day.length >= this.perDay) return undefined;
    this.#minute.push(t);
    this.#day.push(t);
    return t;
  }
  /** Milliseconds until a slot frees up (0 when one is free). */
  waitMs(): number {
    const t = this.#now();
    this.#prune(t);
    let w = 0;
    if (this.#minute.length >= this.perMinute) w = Math.max(w, this.#minute[0]! + 60_000 - t);
    if (this.#day.length >= this.perDay) w = Math.max(w, this.#day[0]! + 86_400_000 - t);
    return w;
  }
  usage(): { minute: number; day: number } {
    this.#prune(this.#now());
    return { minute: this.#minute.length, day: this.#day.length };
  }
}

export interface VtClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryMaxWaitMs: number;
  readonly limiter: RateLimiter;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called after each request actually sent (for persisting the limiter's history). */
  readonly onRequest?: (ts: number) => void;
}

export interface VtClient {
  get(kind: "url" | "file", id: string, signal: AbortSignal): Promise<VtAnswer>;
}

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retry-After as milliseconds (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(v: string | null, now: number): number | undefined {
  if (v === null || v.trim() === "") return undefined;
  const s = v.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

export function createVtClient(o: VtClientOptions): VtClient {
  const base = o.baseUrl.replace(/\/+$/, "");
  /** Set after a 429 whose Retry-After exceeds what we may wait: no requests until then. */
  let pausedUntil = 0;
  return {
    async get(kind, id, signal) {
      const path = kind === "url" ? `/api/v3/urls/${encodeURIComponent(id)}` : `/api/v3/files/${encodeURIComponent(id)}`;
      let last: VtAnswer = { status: "error", reason: "network", detail: "no attempt made" };
      for (let attempt = 0; attempt <= o.maxRetries; attempt++) {
        if (signal.aborted) return { status: "error", reason: "aborted", detail: "the evaluation deadline passed before the lookup finished" };
        if (o.now() < pausedUntil) return { status: "error", reason: "paused", detail: `VirusTotal asked to wait (Retry-After) until ${new Date(pausedUntil).toISOString()}` };
        const ts = o.limiter.tryTake();
        if (ts === undefined) {
          return { status: "error", reason: "rate_limited", detail: `local rate limit reached (${o.limiter.perMinute}/min, ${o.limiter.perDay}/day); next slot in ${Math.ceil(o.limiter.waitMs() / 1000)} s` };
        }
        o.onRequest?.(ts);
        const timeout = AbortSignal.timeout(o.timeoutMs);
        const sig = AbortSignal.any([signal, timeout]);
        let res: Response;
        try {
          res = await o.fetch(base + path, { method: "GET", headers: { "x-apikey": o.apiKey, accept: "application/json" }, signal: sig, redirect: "error" });
        } catch (e) {
          if (signal.aborted) return { status: "error", reason: "aborted", detail: "the evaluation deadline passed during the request" };
          if (timeout.aborted) return { status: "error", reason: "timeout", detail: `no answer within ${o.timeoutMs} ms` };
          return { status: "error", reason: "network", detail: (e as Error).message };
        }
        const st = res.status;
        if (st === 404) {
          await res.body?.cancel().catch(() => undefined);
          return { status: "not_found" };
        }
        if (st >= 200 && st < 300) {
          let body: unknown;
          try {
            body = await res.json();
          } catch (e) {
            if (timeout.aborted) return { status: "error", reason: "timeout", detail: `body not received within ${o.timeoutMs} ms` };
            if (signal.aborted) return { status: "error", reason: "aborted", detail: "the evaluation deadline passed while reading the answer" };
            return { status: "error", reason: "malformed", detail: `answer is not JSON: ${(e as Error).message}`, httpStatus: st };
          }
          const stats = readStats(body);
          if (stats === undefined) return { status: "error", reason: "malformed", detail: "answer has no data.attributes.last_analysis_stats", httpStatus: st };
          return { status: "found", stats };
        }
        await res.body?.cancel().catch(() => undefined);
        if (st === 401 || st === 403) return { status: "error", reason: "auth", detail: `VirusTotal refused the API key (HTTP ${st}); check security.virustotal_api_key`, httpStatus: st };
        if (st !== 429 && st < 500) return { status: "error", reason: "http_4xx", detail: `HTTP ${st}`, httpStatus: st };
        last = { status: "error", reason: st === 429 ? "http_429" : "http_5xx", detail: `HTTP ${st}`, httpStatus: st };
        if (attempt >= o.maxRetries) break;
        const retryAfter = parseRetryAfter(res.headers.get("retry-after"), o.now());
        const wait = retryAfter ?? Math.min(o.retryMaxWaitMs, 250 * 2 ** attempt);
        if (wait > o.retryMaxWaitMs) {
          if (st === 429) pausedUntil = o.now() + wait;
          return { ...last, detail: `HTTP ${st}, Retry-After ${Math.ceil(wait / 1000)} s exceeds virustotal.retry_max_wait_ms` };
        }
        try {
          await o.sleep(wait, signal);
        } catch {
          return { status: "error", reason: "aborted", detail: "the evaluation deadline passed while waiting to retry" };
        }
      }
      return last;
    },
  };
}

function readStats(body: unknown): VtStats | undefined {
  const s = (body as { data?: { attributes?: { last_analysis_stats?: unknown } } } | null)?.data?.attributes?.last_analysis_stats;
  if (typeof s !== "object" || s === null || Array.isArray(s)) return undefined;
  const n = (k: string): number => {
    const v = (s as Record<string, unknown>)[k];
    return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
  };
  return { malicious: n("malicious"), suspicious: n("suspicious"), harmless: n("harmless"), undetected: n("undetected") };
}
