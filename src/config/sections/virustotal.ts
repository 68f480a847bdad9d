// [virustotal] — VirusTotal reputation lookups (issue: host integrity and VirusTotal). Keys of the
// Rust [security] table (virustotal_api_key, virustotal_timeout_ms) stay there; everything here is
// ClawShield's own. Lookups run only when security.virustotal_api_key is set.
import { f, type SectionSpec } from "../fields.ts";

export const virustotalSection: SectionSpec = {
  enabled: f.bool(true, "Run VirusTotal lookups when security.virustotal_api_key is set (false turns them off even with a key)."),
  base_url: f.str("https://www.virustotal.com", "VirusTotal API origin (tests point it at a local fake server). Requests go to <base_url>/api/v3/urls/{id} and /api/v3/files/{sha256}."),
  lookup_urls: f.bool(true, "Look up URLs found in actions (canonicalized, unpadded URL-safe base64 id)."),
  lookup_files: f.bool(true, "Look up files named in actions by their streamed SHA-256 (nothing is ever uploaded)."),
  fail_mode: f.enumOf(["open", "review", "closed"], "open", "What a failed lookup (timeout, network error, 5xx, 429, malformed answer, local rate limit) does: open = a visible score-0 finding; review = at least review; closed = block. Always counted as vt_unavailable."),
  cache_path: f.path(undefined, "SQLite cache of answers (node:sqlite, WAL); default <runtime.state_dir>/vt-cache.db. \":memory:\" keeps it in memory."),
  cache_ttl_secs: f.int(24 * 3600, "How long an answer with a VirusTotal report (malicious/suspicious/clean/unknown stats) is reused.", 0, 365 * 24 * 3600),
  negative_cache_ttl_secs: f.int(3600, "How long a \"not found\" (404) answer is reused.", 0, 365 * 24 * 3600),
  rate_per_minute: f.int(4, "Token bucket: requests per minute (public API: 4). Retries count too.", 1, 100000),
  rate_per_day: f.int(500, "Token bucket: requests per day (public API: 500).", 1, 100_000_000),
  max_retries: f.int(2, "Retries after a 429 or 5xx answer (each retry takes a rate-limit token).", 0, 10),
  retry_max_wait_ms: f.int(2000, "Longest wait before a retry; a Retry-After beyond it fails the lookup at once (and pauses lookups until then).", 0, 600000),
  max_lookups_per_action: f.int(4, "At most this many VirusTotal lookups per action; the rest get a visible vt.skipped finding.", 1, 1000),
  file_max_bytes: f.int(64 * 1024 * 1024, "Files larger than this are not hashed (vt.file.refused).", 1, 2 ** 40),
  file_roots: f.paths([], "Folders whose files may be hashed; other paths are refused. Empty = the config folder and the OpenClaw workspace."),
};

export interface VirustotalConfig {
  readonly enabled: boolean;
  readonly base_url: string;
  readonly lookup_urls: boolean;
  readonly lookup_files: boolean;
  readonly fail_mode: "open" | "review" | "closed";
  readonly cache_path?: string;
  readonly cache_ttl_secs: number;
  readonly negative_cache_ttl_secs: number;
  readonly rate_per_minute: number;
  readonly rate_per_day: number;
  readonly max_retries: number;
  readonly retry_max_wait_ms: number;
  readonly max_lookups_per_action: number;
  readonly file_max_bytes: number;
  readonly file_roots: readonly string[];
}
