// Quarantine: every blocked action leaves one record, written atomically, with a unique name,
// secrets redacted and oversized strings truncated (with a marker and their SHA-256). Every record
// is also entered in `index.jsonl` (hash-chained, src/store/chain.ts: file name + SHA-256 of the
// record file), and pruning appends a `prune` entry, so `clawshield log verify` can tell a deleted
// or edited record from a pruned one.

import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Action, Decision } from "../engine/types.ts";
import { redactDeep, redactSecrets } from "../engine/redact.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { createChainWriter, sha256Hex, verifyChain, type ChainIssue, type ChainReport, type ChainSigner, type ChainWriter, type VerifyChainOptions } from "./chain.ts";

export const QUARANTINE_INDEX = "index.jsonl";

export interface QuarantineOptions {
  readonly dir: string;
  /** 0 = unlimited; otherwise the oldest records beyond this count are removed after each write. */
  readonly maxRecords: number;
  /** Strings longer than this many bytes are truncated in the record. */
  readonly maxPayloadBytes: number;
  readonly now?: () => number;
  /** Keep the hash-chained index.jsonl (default true). */
  readonly index?: boolean;
  /** Checkpoint the index every this many entries (default 1: every block, so a removed tail is seen). */
  readonly checkpointEvery?: number;
  /** Signs index checkpoints ([policy] checkpoint_key). */
  readonly signer?: ChainSigner;
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
  /** Closes the index (writes a final checkpoint). Optional for callers: the index also works unclosed. */
  close?(): void;
}

export function createQuarantine(opts: QuarantineOptions): Quarantine {
  const now = opts.now ?? Date.now;
  let pruning: Promise<void> | undefined;
  let index: ChainWriter | undefined;
  const indexed = (entry: Record<string, unknown>): void => {
    if (opts.index === false) return;
    index ??= createChainWriter({ path: path.join(opts.dir, QUARANTINE_INDEX), checkpointEvery: opts.checkpointEvery ?? 1, ...(opts.signer ? { signer: opts.signer } : {}), now });
    index.append({ ts: new Date(now()).toISOString(), ...entry });
  };
  return {
    dir: opts.dir,
    close() {
      index?.close();
      index = undefined;
    },
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
      const text = `${JSON.stringify(record, null, 2)}\n`;
      await writeFileAtomic(file, text);
      indexed({ type: "quarantine", file: name, sha256: sha256Hex(text), actionId: action.id, action: decision.action });
      if (opts.maxRecords > 0) {
        pruning ??= prune(opts.dir, opts.maxRecords, (removed) => indexed({ type: "prune", removed, reason: `quarantine_max_records = ${opts.maxRecords}` })).finally(() => {
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

async function prune(dir: string, max: number, onRemoved: (names: string[]) => void): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith("blocked-") && n.endsWith(".json")).sort();
  const excess = names.length - max;
  const removed: string[] = [];
  for (let i = 0; i < excess; i++) {
    await rm(path.join(dir, names[i]!), { force: true });
    removed.push(names[i]!);
  }
  if (removed.length > 0) onRemoved(removed);
}

export interface QuarantineReport extends ChainReport {
  readonly index: string;
  readonly indexedFiles: number;
}

/**
 * Verifies the quarantine index chain and that every indexed record file still exists with its
 * SHA-256 (unless a later `prune` entry removed it). Record files missing from the index are
 * reported as warnings (records written before the index existed look the same).
 */
export function verifyQuarantine(dir: string, opts: VerifyChainOptions = {}): QuarantineReport {
  const indexPath = path.join(dir, QUARANTINE_INDEX);
  const report = verifyChain(indexPath, { ...opts, collect: true });
  const issues: ChainIssue[] = [...report.issues];
  const warnings = [...report.warnings];
  const live = new Map<string, { sha256: string; line: number; seq: number; file: string }>();
  for (const { record, line, file } of report.collected ?? []) {
    if (record.type === "quarantine" && typeof record.file === "string" && typeof record.sha256 === "string") {
      live.set(record.file, { sha256: record.sha256, line, seq: record.seq as number, file });
    } else if (record.type === "prune" && Array.isArray(record.removed)) {
      for (const n of record.removed) if (typeof n === "string") live.delete(n);
    }
  }
  for (const [name, want] of live) {
    if (path.basename(name) !== name) {
      issues.push({ kind: "edited", file: want.file, line: want.line, seq: want.seq, recordId: name, message: `index entry seq ${want.seq} names a path outside the quarantine folder` });
      continue;
    }
    const full = path.join(dir, name);
    if (!existsSync(full)) {
      issues.push({ kind: "missing-file", file: full, line: want.line, seq: want.seq, recordId: name, expected: want.sha256, message: `quarantine record ${name} (index line ${want.line}, seq ${want.seq}) was deleted` });
      continue;
    }
    const got = sha256Hex(readFileSync(full));
    if (got !== want.sha256) issues.push({ kind: "file-changed", file: full, line: want.line, seq: want.seq, recordId: name, expected: want.sha256, found: got, message: `quarantine record ${name} was modified after it was written (index line ${want.line}: expected sha256 ${want.sha256.slice(0, 16)}…, found ${got.slice(0, 16)}…)` });
  }
  if (existsSync(dir)) {
    const extra = readdirSync(dir).filter((n) => n.startsWith("blocked-") && n.endsWith(".json") && !live.has(n));
    if (extra.length > 0) warnings.push(`${extra.length} quarantine record file(s) are not in the index (written before the index existed, or added by hand): ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", …" : ""}`);
  }
  const { collected: _c, ...rest } = report;
  return { ...rest, ok: issues.length === 0, issues, warnings, index: indexPath, indexedFiles: live.size };
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
