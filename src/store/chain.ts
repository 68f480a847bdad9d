// Hash-chained JSONL files (decision log, quarantine index). Every record carries `seq` (1, 2, …
// across rotations), `prevHash` (the previous record's hash; GENESIS_HASH for the first) and
// `hash` = sha256 over the canonical JSON of the record without `hash`. Checkpoints (every N
// records, on rotation and on close) go to a side file `<log>.checkpoints.jsonl` — so the log
// itself keeps one line per record — and can be signed with the operator's Ed25519 key. A
// checkpoint pins (seq, hash) of the head: removing whole records from the end is then visible.
//
// A writer continues the chain after a restart from the last valid record of the current file
// (or of `<log>.1` when the current file is empty after a rotation). A torn last line (a crash in
// the middle of a write) is closed with a newline and acknowledged by a `chain_recovery` record
// holding its SHA-256, so verification can tell a crash from an edit.

import { hash, verify as edVerify, type KeyObject } from "node:crypto";
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export const GENESIS_HASH = "0".repeat(64);
export const CHECKPOINT_FORMAT = "clawshield-checkpoint/1";
/**
 * Record format 2: `hash` = sha256 of the line's own bytes without its `hash` member (the line is
 * `JSON.stringify(record)` with `,"hash":"…"` added last). One serialization per record, and the
 * hash covers exactly the bytes on disk. Format 1 records (no `hashAlg`) used the canonical JSON of
 * the parsed record and still verify.
 */
export const LINE_HASH_ALG = "sha256-line";
/** Group commit writes at the latest when this much is pending. */
const GROUP_COMMIT_MAX_BYTES = 256 * 1024;

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** Signs checkpoints (the operator's key). */
export interface ChainSigner {
  readonly keyId: string;
  sign(data: Uint8Array): Buffer;
}

export interface ChainWriterOptions {
  readonly path: string;
  /** Rotate when the file would exceed this size (0/undefined: never rotate). */
  readonly maxBytes?: number;
  /** Rotated files kept (path.1 … path.keep). */
  readonly keep?: number;
  /** Write a checkpoint every this many records (0: only on rotation and close). */
  readonly checkpointEvery?: number;
  readonly signer?: ChainSigner;
  readonly now?: () => number;
  /**
   * Group commit: lines are written once per event-loop turn (or every GROUP_COMMIT_MAX_BYTES)
   * instead of one write per record. A crash loses at most the current turn's lines. Write errors
   * then go to `onError` (records lost) instead of being thrown by `append`.
   */
  readonly groupCommit?: boolean;
  readonly onError?: (err: Error, lostRecords: number) => void;
}

export interface ChainWriter {
  readonly path: string;
  /** Adds seq/prevHash/hashAlg/hash to the record and writes it as one line (now, or with its turn's group). Returns the new head. */
  append(record: Record<string, unknown>): ChainHead;
  /** Writes the lines still pending (group commit); a no-op otherwise. */
  flush(): void;
  /** Writes a checkpoint of the current head (no-op when nothing was written since the last one). */
  checkpoint(reason?: string): void;
  head(): ChainHead;
  close(): void;
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash("sha256", data, "hex");
}

/** JSON with object keys sorted at every level; `undefined` members dropped (as JSON.stringify does). */
export function canonicalJson(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object":
      break;
    default:
      return JSON.stringify(v) ?? "null";
  }
  if (v === null) return "null";
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (i > 0) out += ",";
      out += x === undefined || typeof x === "function" ? "null" : canonicalJson(x);
    }
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  if (typeof (o as { toJSON?: unknown }).toJSON === "function") return canonicalJson((o as { toJSON: () => unknown }).toJSON());
  const keys = Object.keys(o).sort();
  let out = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    if (x === undefined || typeof x === "function") continue;
    if (first) first = false;
    else out += ",";
    out += JSON.stringify(k);
    out += ":";
    out += canonicalJson(x);
  }
  return `${out}}`;
}

/** The hash a record must carry: sha256 of its canonical JSON without the `hash` member. */
export function recordHash(record: Record<string, unknown>): string {
  const { hash: _drop, ...rest } = record;
  return sha256Hex(canonicalJson(rest));
}

/** A format-2 line for a record (without `hash`): its JSON with the line hash added as the last member. */
export function sealLine(record: Record<string, unknown>): { line: string; hash: string } {
  const text = JSON.stringify(record);
  const hash = sha256Hex(text);
  return { line: text.length > 2 ? `${text.slice(0, -1)},"hash":"${hash}"}\n` : `{"hash":"${hash}"}\n`, hash };
}

const HASH_SUFFIX = /,"hash":"[0-9a-f]{64}"\}$/;

/** The hash a line must carry: format 2 (line hash) when the record says so, format 1 otherwise. */
export function expectedHash(raw: string, rec: Record<string, unknown>): string {
  if (rec.hashAlg === LINE_HASH_ALG) {
    const m = HASH_SUFFIX.exec(raw);
    // Without the suffix the line was rewritten by something else: hash what is there (no match).
    return sha256Hex(m ? `${raw.slice(0, m.index)}}` : raw);
  }
  return recordHash(rec);
}

/** What a checkpoint signature covers. */
export function checkpointMessage(seq: number, hash: string): Buffer {
  return Buffer.from(`${CHECKPOINT_FORMAT}\n${seq}\n${hash}`, "utf8");
}

export function checkpointsPathOf(logPath: string): string {
  return logPath.endsWith(".jsonl") ? `${logPath.slice(0, -".jsonl".length)}.checkpoints.jsonl` : `${logPath}.checkpoints.jsonl`;
}

interface TailInfo {
  readonly head?: ChainHead;
  /** A last line without its newline (a crash mid-write, or truncation). */
  readonly torn?: { readonly bytes: number; readonly sha256: string };
}

/** Reads backwards from the end of a file to the last complete record that carries seq and hash. */
export function readTail(file: string): TailInfo {
  if (!existsSync(file)) return {};
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return {};
    let pos = size;
    let carry = Buffer.alloc(0);
    let torn: TailInfo["torn"];
    let first = true;
    const CHUNK = 64 * 1024;
    while (pos > 0) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, pos);
      carry = Buffer.concat([buf, carry]);
      // Complete lines are those with a newline after them; the piece before the first newline
      // may be partial unless we reached the start of the file.
      let end = carry.length;
      if (first) {
        first = false;
        if (carry[carry.length - 1] !== 0x0a) {
          const nl = carry.lastIndexOf(0x0a);
          if (nl < 0 && pos > 0) {
            first = true; // keep reading until the torn line's start is found
            continue;
          }
          const piece = carry.subarray(nl + 1);
          torn = { bytes: piece.length, sha256: sha256Hex(piece) };
          end = nl + 1;
        }
      }
      let lineEnd = end - 1; // index of the newline ending the current line
      while (lineEnd >= 0) {
        const start = lineEnd > 0 ? carry.lastIndexOf(0x0a, lineEnd - 1) : -1;
        if (start < 0 && pos > 0) break; // the line's start is in an earlier chunk
        const line = carry.subarray(start + 1, lineEnd).toString("utf8");
        const rec = parseRecord(line);
        if (rec && typeof rec.seq === "number" && typeof rec.hash === "string") return { head: { seq: rec.seq, hash: rec.hash }, ...(torn ? { torn } : {}) };
        lineEnd = start;
      }
      carry = lineEnd >= 0 ? carry.subarray(0, lineEnd + 1) : Buffer.alloc(0);
    }
    return torn ? { torn } : {};
  } finally {
    closeSync(fd);
  }
}

function parseRecord(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createChainWriter(opts: ChainWriterOptions): ChainWriter {
  const now = opts.now ?? Date.now;
  const keep = opts.keep ?? 0;
  const maxBytes = opts.maxBytes ?? 0;
  const every = opts.checkpointEvery ?? 0;
  const cpPath = checkpointsPathOf(opts.path);
  mkdirSync(path.dirname(opts.path), { recursive: true });
  let fd = openSync(opts.path, "a", 0o600);
  let size = fstatSync(fd).size;
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let sinceCheckpoint = 0;
  let lastCheckpointSeq = 0;

  const resync = (): TailInfo => {
    const tail = readTail(opts.path);
    if (tail.head) head = tail.head;
    else if (!tail.torn && size === 0 && existsSync(`${opts.path}.1`)) {
      const prev = readTail(`${opts.path}.1`);
      if (prev.head) head = prev.head;
    }
    return tail;
  };

  // Lines built but not yet written (group commit), with the head of what is on disk.
  let pending: { line: string; seq: number; hash: string }[] = [];
  let pendingBytes = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let written: ChainHead = head;

  const buildLine = (rec: Record<string, unknown>): { line: string; seq: number; hash: string } => {
    // `hash` is the chain's own member (the last one of the line): a record may not bring one.
    if (Object.hasOwn(rec, "hash")) throw new Error(`${opts.path}: a chained record cannot carry its own "hash" member (it is the chain's); rename it`);
    const seq = head.seq + 1;
    const { line, hash } = sealLine({ ...rec, seq, prevHash: head.hash, hashAlg: LINE_HASH_ALG });
    return { line, seq, hash };
  };

  const writeNow = (text: string, last: { seq: number; hash: string }, records: number): void => {
    writeSync(fd, text);
    size += Buffer.byteLength(text);
    written = { seq: last.seq, hash: last.hash };
    sinceCheckpoint += records;
  };

  const tail0 = resync();
  written = head;
  if (tail0.torn) {
    // Close the torn line and acknowledge it in the chain.
    writeSync(fd, "\n");
    size += 1;
    const b = buildLine({ ts: new Date(now()).toISOString(), type: "chain_recovery", reason: "the last line was incomplete (crash during a write?); the chain continues from the last complete record", tornBytes: tail0.torn.bytes, tornSha256: tail0.torn.sha256 });
    head = { seq: b.seq, hash: b.hash };
    writeNow(b.line, b, 1);
  }

  const checkpoint = (reason = "periodic"): void => {
    if (written.seq === 0 || written.seq === lastCheckpointSeq) return;
    const cp: Record<string, unknown> = { ts: new Date(now()).toISOString(), type: "checkpoint", format: CHECKPOINT_FORMAT, reason, seq: written.seq, hash: written.hash };
    if (opts.signer) {
      cp.keyId = opts.signer.keyId;
      cp.sig = opts.signer.sign(checkpointMessage(written.seq, written.hash)).toString("base64");
    }
    appendFileSync(cpPath, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
    lastCheckpointSeq = written.seq;
    sinceCheckpoint = 0;
  };

  const rotate = (): void => {
    checkpoint("rotate");
    closeSync(fd);
    const oldest = `${opts.path}.${keep}`;
    if (existsSync(oldest)) rmSync(oldest, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = `${opts.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${opts.path}.${i + 1}`);
    }
    renameSync(opts.path, `${opts.path}.1`);
    fd = openSync(opts.path, "a", 0o600);
    size = 0;
  };

  /** Writes the pending lines: one write per file (rotation splits it), checkpoints after the lines they pin. */
  const flush = (): void => {
    if (scheduled !== undefined) {
      clearImmediate(scheduled);
      scheduled = undefined;
    }
    unflushed.delete(self);
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    let done = 0;
    try {
      // Lines batch[done, i) are joined in `chunk`; emit writes them in one call.
      let chunk = "";
      let chunkBytes = 0;
      const emit = (upto: number): void => {
        if (upto > done) writeNow(chunk, batch[upto - 1]!, upto - done);
        done = upto;
        chunk = "";
        chunkBytes = 0;
      };
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!.line;
        const bytes = Buffer.byteLength(line);
        if (maxBytes > 0 && keep > 0 && size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          emit(i);
          rotate();
        }
        chunk += line;
        chunkBytes += bytes;
        if (every > 0 && sinceCheckpoint + (i + 1 - done) >= every) {
          emit(i + 1);
          checkpoint("periodic");
        }
      }
      emit(batch.length);
    } catch (e) {
      // The lines not written are lost. The head falls back to the last line on disk, so the chain
      // goes on unbroken (a later `log verify` does not report the loss as tampering); the caller
      // logs and counts it (decision_log_write_failed). In direct mode append throws instead.
      const lost = batch.length - done;
      head = written;
      if (opts.onError) opts.onError(e as Error, lost);
      else throw e;
    }
  };

  let closed = false;
  const self: ChainWriter = {
    path: opts.path,
    append(record) {
      if (pending.length === 0) {
        // Another process (a CLI one-shot next to the sidecar) may have appended: continue from its head.
        let actual = size;
        try {
          actual = fstatSync(fd).size;
        } catch {
          // the write below reports a bad descriptor
        }
        if (actual !== size) {
          size = actual;
          resync();
          written = head;
        }
      }
      const built = buildLine(record);
      head = { seq: built.seq, hash: built.hash };
      pending.push(built);
      pendingBytes += built.line.length;
      if (!opts.groupCommit || pendingBytes >= GROUP_COMMIT_MAX_BYTES) flush();
      else if (scheduled === undefined) {
        scheduled = setImmediate(flush);
        unflushed.add(self);
      }
      return head;
    },
    flush,
    checkpoint(reason) {
      flush();
      checkpoint(reason);
    },
    head: () => head,
    close() {
      if (closed) return;
      closed = true;
      unflushed.delete(self);
      try {
        flush();
        checkpoint("close");
      } finally {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    },
  };
  return self;
}

// Group-committed lines still pending when the process exits (a CLI one-shot that never closes its
// log, process.exit in a signal handler) are written synchronously on the way out.
const unflushed = new Set<ChainWriter>();
process.once("exit", () => {
  for (const w of unflushed) {
    try {
      w.flush();
    } catch {
      // exiting: nothing left to report to
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Verification

export type ChainIssueKind = "edited" | "deleted" | "reordered" | "inserted" | "truncated" | "corrupt" | "unchained" | "checkpoint" | "missing-file" | "file-changed";

export interface ChainIssue {
  readonly kind: ChainIssueKind;
  readonly file: string;
  readonly line?: number;
  readonly seq?: number;
  /** The record's own id (decision id, quarantine file name) when it has one. */
  readonly recordId?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly message: string;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly files: readonly string[];
  readonly records: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  readonly headHash?: string;
  readonly checkpoints: number;
  readonly signedCheckpoints: number;
  readonly issues: readonly ChainIssue[];
  readonly warnings: readonly string[];
  /** Every valid record in order (only when `collect` was asked for). */
  readonly collected?: readonly { readonly record: Record<string, unknown>; readonly file: string; readonly line: number }[];
}

export interface VerifyChainOptions {
  /** Public keys by key id for checkpoint signatures. */
  readonly keys?: ReadonlyMap<string, KeyObject>;
  /** A key to check every checkpoint with, whatever its key id (`log verify --pubkey`). */
  readonly anyKey?: KeyObject;
  /** Treat an unsigned checkpoint (or one by an unknown key) as tampering. */
  readonly requireSignedCheckpoints?: boolean;
  /** Return the valid records (for the quarantine index file check). */
  readonly collect?: boolean;
}

/** The rotated files of a log (oldest first) followed by the log itself. */
export function chainFiles(logPath: string): string[] {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  const rotated: number[] = [];
  if (existsSync(dir)) {
    for (const n of readdirSync(dir)) {
      if (!n.startsWith(`${base}.`)) continue;
      const suffix = n.slice(base.length + 1);
      if (/^\d+$/.test(suffix)) rotated.push(Number(suffix));
    }
  }
  rotated.sort((a, b) => b - a);
  const files = rotated.map((i) => `${logPath}.${i}`);
  if (existsSync(logPath)) files.push(logPath);
  return files;
}

/** Verifies a chained log and its rotated files; reports every break with its place. */
export function verifyChain(logPath: string, opts: VerifyChainOptions = {}): ChainReport {
  const files = chainFiles(logPath);
  const issues: ChainIssue[] = [];
  const warnings: string[] = [];
  const collected: { record: Record<string, unknown>; file: string; line: number }[] = [];
  const cps = readCheckpoints(checkpointsPathOf(logPath), issues, warnings);
  const cpSeqs = new Set(cps.map((c) => c.seq));
  const hashAt = new Map<number, string>();
  const seen = new Set<number>();
  let prev: ChainHead | undefined;
  let firstSeq: number | undefined;
  let records = 0;
  let legacy = 0;
  let pendingTorn: { file: string; line: number; sha256: string; bytes: number } | undefined;

  if (files.length === 0) warnings.push(`${logPath} does not exist (nothing to verify)`);
  for (const [fi, file] of files.entries()) {
    const buf = readFileSync(file);
    const endsWithNewline = buf.length === 0 || buf[buf.length - 1] === 0x0a;
    const text = buf.toString("utf8");
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    const lastFile = fi === files.length - 1;
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      const raw = lines[i]!;
      if (raw.trim() === "") continue;
      const rec = parseRecord(raw);
      const isLastLine = i === lines.length - 1;
      if (pendingTorn) {
        // The line after a torn one must be the writer's acknowledgement of it.
        if (rec?.type === "chain_recovery" && rec.tornSha256 === pendingTorn.sha256) warnings.push(`${pendingTorn.file}:${pendingTorn.line}: incomplete line (${pendingTorn.bytes} bytes) acknowledged by a chain_recovery record (a crash during a write)`);
        else issues.push({ kind: "corrupt", file: pendingTorn.file, line: pendingTorn.line, message: `line ${pendingTorn.line} is not a complete JSON record and no recovery record acknowledges it: edited or truncated` });
        pendingTorn = undefined;
      }
      if (!rec) {
        if (isLastLine && lastFile && !endsWithNewline) {
          issues.push({ kind: "truncated", file, line: lineNo, message: `the last record (line ${lineNo}) is cut off: the log was truncated${prev ? ` after seq ${prev.seq}` : ""} (or a write is in progress)` });
        } else {
          pendingTorn = { file, line: lineNo, sha256: sha256Hex(Buffer.from(raw, "utf8")), bytes: Buffer.byteLength(raw) };
        }
        continue;
      }
      const id = recordIdOf(rec);
      if (typeof rec.hash !== "string" || typeof rec.seq !== "number" || typeof rec.prevHash !== "string") {
        if (prev === undefined) legacy++;
        else issues.push({ kind: "unchained", file, line: lineNo, ...(id ? { recordId: id } : {}), message: `line ${lineNo} has no seq/prevHash/hash: a record inserted by hand` });
        continue;
      }
      records++;
      const seq = rec.seq;
      const computed = expectedHash(raw, rec);
      if (computed !== rec.hash) {
        issues.push({ kind: "edited", file, line: lineNo, seq, ...(id ? { recordId: id } : {}), expected: computed, found: rec.hash, message: `record seq ${seq} at line ${lineNo} was modified: its content hashes to ${short(computed)} but it says ${short(rec.hash)}` });
      }
      if (prev === undefined) {
        firstSeq = seq;
        if (seq === 1 && rec.prevHash !== GENESIS_HASH) issues.push({ kind: "inserted", file, line: lineNo, seq, expected: GENESIS_HASH, found: rec.prevHash, message: `the first record (seq 1) must start from the genesis hash` });
        else if (seq !== 1 && files.length === 1 && legacy === 0) issues.push({ kind: "deleted", file, line: lineNo, seq, ...(id ? { recordId: id } : {}), message: `the log starts at seq ${seq}, but there are no rotated files: record(s) seq 1..${seq - 1} were deleted from the start` });
        else if (seq !== 1) warnings.push(`the chain starts at seq ${seq} (${path.basename(file)}:${lineNo}); earlier records were rotated away`);
      } else if (rec.prevHash !== prev.hash || seq !== prev.seq + 1) {
        const base = { file, line: lineNo, seq, ...(id ? { recordId: id } : {}), expected: prev.hash, found: rec.prevHash };
        if (seen.has(seq)) issues.push({ ...base, kind: seq < prev.seq ? "reordered" : "inserted", message: `record seq ${seq} at line ${lineNo} appears again after seq ${prev.seq}: records were reordered or duplicated` });
        else if (seq > prev.seq + 1) issues.push({ ...base, kind: "deleted", message: `record(s) seq ${prev.seq + 1}${seq - 1 > prev.seq + 1 ? `..${seq - 1}` : ""} missing before line ${lineNo} (found seq ${seq} after seq ${prev.seq}): deleted or moved` });
        else if (seq < prev.seq + 1) issues.push({ ...base, kind: "reordered", message: `record seq ${seq} at line ${lineNo} comes after seq ${prev.seq}: records were reordered` });
        else issues.push({ ...base, kind: "inserted", message: `record seq ${seq} at line ${lineNo} does not link to the previous record (prevHash ${short(rec.prevHash)}, expected ${short(prev.hash)}): a record was replaced or inserted` });
      }
      seen.add(seq);
      if (cpSeqs.has(seq)) hashAt.set(seq, rec.hash);
      prev = { seq, hash: rec.hash };
      if (opts.collect) collected.push({ record: rec, file, line: lineNo });
    }
  }
  if (pendingTorn) issues.push({ kind: "truncated", file: pendingTorn.file, line: pendingTorn.line, message: `line ${pendingTorn.line} is an incomplete record: the log was truncated` });
  if (legacy > 0) warnings.push(`${legacy} record(s) written before hash chaining (no seq/hash) precede the chain; they cannot be verified`);

  let signed = 0;
  for (const cp of cps) {
    const where = `${path.basename(checkpointsPathOf(logPath))}:${cp.line}`;
    if (cp.sig !== undefined) {
      const key = (cp.keyId !== undefined ? opts.keys?.get(cp.keyId) : undefined) ?? opts.anyKey;
      if (key) {
        if (edVerify(null, checkpointMessage(cp.seq, cp.hash), key, Buffer.from(cp.sig, "base64"))) signed++;
        else issues.push({ kind: "checkpoint", file: checkpointsPathOf(logPath), line: cp.line, seq: cp.seq, message: `${where}: checkpoint signature for seq ${cp.seq} does not verify with key ${cp.keyId}: the checkpoint was forged or altered` });
      } else if (opts.requireSignedCheckpoints) issues.push({ kind: "checkpoint", file: checkpointsPathOf(logPath), line: cp.line, seq: cp.seq, message: `${where}: checkpoint signed by unknown key ${cp.keyId ?? "?"}` });
    } else if (opts.requireSignedCheckpoints) issues.push({ kind: "checkpoint", file: checkpointsPathOf(logPath), line: cp.line, seq: cp.seq, message: `${where}: checkpoint for seq ${cp.seq} is not signed` });
    if (firstSeq !== undefined && cp.seq < firstSeq) continue; // rotated away
    if (prev === undefined || cp.seq > prev.seq) {
      issues.push({ kind: "truncated", file: logPath, seq: cp.seq, expected: cp.hash, message: `checkpoint ${where} pins record seq ${cp.seq}, but the log ends at ${prev ? `seq ${prev.seq}` : "no record"}: records were removed from the end` });
      continue;
    }
    const h = hashAt.get(cp.seq);
    if (h === undefined) issues.push({ kind: "deleted", file: logPath, seq: cp.seq, expected: cp.hash, message: `checkpoint ${where} pins record seq ${cp.seq}, which is missing from the log` });
    else if (h !== cp.hash) issues.push({ kind: "edited", file: logPath, seq: cp.seq, expected: cp.hash, found: h, message: `record seq ${cp.seq} does not match checkpoint ${where} (expected ${short(cp.hash)}, found ${short(h)}): the chain was rewritten` });
  }
  return {
    ok: issues.length === 0,
    files,
    records,
    ...(firstSeq === undefined ? {} : { firstSeq }),
    ...(prev === undefined ? {} : { lastSeq: prev.seq, headHash: prev.hash }),
    checkpoints: cps.length,
    signedCheckpoints: signed,
    issues,
    warnings,
    ...(opts.collect ? { collected } : {}),
  };
}

interface CheckpointLine {
  readonly line: number;
  readonly seq: number;
  readonly hash: string;
  readonly keyId?: string;
  readonly sig?: string;
}

function readCheckpoints(file: string, issues: ChainIssue[], warnings: string[]): CheckpointLine[] {
  if (!existsSync(file)) {
    warnings.push(`no checkpoint file (${path.basename(file)}): removal of whole records at the end cannot be detected`);
    return [];
  }
  const out: CheckpointLine[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    const r = parseRecord(l);
    if (!r || typeof r.seq !== "number" || typeof r.hash !== "string") {
      issues.push({ kind: "checkpoint", file, line: i + 1, message: `${path.basename(file)}:${i + 1} is not a valid checkpoint line` });
      return;
    }
    out.push({ line: i + 1, seq: r.seq, hash: r.hash, ...(typeof r.keyId === "string" ? { keyId: r.keyId } : {}), ...(typeof r.sig === "string" ? { sig: r.sig } : {}) });
  });
  return out;
}

function recordIdOf(rec: Record<string, unknown>): string | undefined {
  if (typeof rec.id === "string") return rec.id;
  if (typeof rec.file === "string") return rec.file;
  const d = rec.decision as { id?: unknown } | undefined;
  if (d && typeof d.id === "string") return d.id;
  return undefined;
}

function short(h: string): string {
  return h.length > 16 ? `${h.slice(0, 16)}…` : h;
}
