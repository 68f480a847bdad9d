// Quarantine: every blocked action leaves one record, written atomically, with a unique name,
// secrets redacted and oversized strings truncated (with a marker and their SHA-256).

import { createHash, randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Action, Decision } from "../engine/types.ts";
import { redactDeep, redactSecrets } from "../engine/redact.ts";
import { writeFileAtomic } from "./atomic-file.ts";

export interface QuarantineOptions {
  readonly dir: string;
  /** 0 = unlimited; otherwise the oldest records beyond this count are removed after each write. */
  readonly maxRecords: number;
  /** Strings longer than this many bytes are truncated in the record. */
  readonly maxPayloadBytes: number;
  readonly now?: () => number;
}

export interface QuarantineRecord {
  readonly version: 1;
  readonly quarantinedAtMs: number;
  /** The request in the Rust runtime's snake_case shape, redacted and truncated. */
  readonly request: Record<string, unknown>;
  readonly decision: Decision;
}

export interface Quarantine {
  /** Writes one record and returns its path. Throws on failure (the caller logs and counts it). */
  write(action: Action, decision: Decision): Promise<string>;
  readonly dir: string;
}

export function createQuarantine(opts: QuarantineOptions): Quarantine {
  const now = opts.now ?? Date.now;
  let pruning: Promise<void> | undefined;
  return {
    dir: opts.dir,
    async write(action, decision) {
      const at = now();
      const id = action.id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "unknown";
      // Zero-padded time keeps names sortable; the random suffix keeps two blocks in one millisecond apart.
      const name = `blocked-${String(at).padStart(13, "0")}-${id}-${randomBytes(4).toString("hex")}.json`;
      const file = path.join(opts.dir, name);
      const record: QuarantineRecord = {
        version: 1,
        quarantinedAtMs: at,
        request: truncateDeep(redactDeep(toRequest(action)), opts.maxPayloadBytes) as Record<string, unknown>,
        decision: truncateDeep(redactDeep(decision), opts.maxPayloadBytes) as Decision,
      };
      await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
      if (opts.maxRecords > 0) {
        pruning ??= prune(opts.dir, opts.maxRecords).finally(() => {
          pruning = undefined;
        });
        await pruning;
      }
      return file;
    },
  };
}

/** The Rust runtime's ActionRequest shape (snake_case), so old tooling can read our records. */
function toRequest(a: Action): Record<string, unknown> {
  return {
    id: a.id,
    kind: a.kind,
    source: a.context.source ?? "clawshield",
    session_id: a.context.sessionKey,
    prompt: a.text,
    command: a.command,
    tool_name: a.tool,
    channel: a.context.channel,
    url: a.url,
    file_path: a.file,
    params: a.params,
    tool_output: a.toolOutput,
    context: a.context,
    raw: a.raw,
  };
}

async function prune(dir: string, max: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith("blocked-") && n.endsWith(".json")).sort();
  const excess = names.length - max;
  for (let i = 0; i < excess; i++) await rm(path.join(dir, names[i]!), { force: true });
}

/** Truncates every string longer than maxBytes, appending a marker with the original size and hash. */
export function truncateDeep(v: unknown, maxBytes: number, depth = 0): unknown {
  if (typeof v === "string") {
    if (v.length * 3 <= maxBytes || Buffer.byteLength(v, "utf8") <= maxBytes) return v;
    const full = Buffer.from(v, "utf8");
    const sha = createHash("sha256").update(full).digest("hex");
    return `${full.subarray(0, maxBytes).toString("utf8")}…[truncated: ${full.length} bytes, sha256=${sha}]`;
  }
  if (depth > 32 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => truncateDeep(x, maxBytes, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = truncateDeep(x, maxBytes, depth + 1);
  return out;
}

export { redactSecrets };
