// Crash-safe file writes: temp file in the same folder, fsync, rename, fsync the folder. A crash
// at any point leaves either the old file or the new one, never a torn one.

import { randomBytes } from "node:crypto";
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/** Writes `data` to `file` atomically (synchronous; for small state files). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o600): void {
  const t = writeTemp(file, data, mode);
  try {
    fsyncSync(t.fd);
  } catch (e) {
    discardTemp(t);
    throw e;
  }
  publishTemp(t, file);
  fsyncDir(t.dir);
}

/**
 * Writes `data` to `file` atomically and durably without blocking the event loop on a disk flush.
 * The temp file is created, written, renamed and closed synchronously: these touch only the page
 * cache (tens of µs). The two flushes run in the thread pool: the file's fsync, then the folder's,
 * which is shared by every write renamed before it started (group commit). That is two pool round
 * trips instead of nine: on a busy event loop each round trip waits for the task in progress, and
 * a blocked action's decision waits for its quarantine record (README "Performance").
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
  const t = writeTemp(file, data, opts.mode ?? 0o600);
  try {
    await fsyncAsync(t.fd);
  } catch (e) {
    discardTemp(t);
    throw e;
  }
  publishTemp(t, file);
  await syncDirShared(t.dir);
}

interface TempFile {
  readonly dir: string;
  readonly tmp: string;
  readonly fd: number;
}

/** A new temp file next to `file` (same folder, so the rename is atomic) holding all of `data`, still open and not flushed. */
function writeTemp(file: string, data: string | Uint8Array, mode: number): TempFile {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const t = { dir, tmp, fd: openSync(tmp, "wx", mode) };
  try {
    writeAllSync(t.fd, data);
  } catch (e) {
    discardTemp(t);
    throw e;
  }
  return t;
}

function discardTemp(t: TempFile): void {
  closeSync(t.fd);
  rmSync(t.tmp, { force: true });
}

/** Closes the flushed temp file and renames it to `file`; on failure the temp file is removed. */
function publishTemp(t: TempFile, file: string): void {
  closeSync(t.fd);
  try {
    renameSync(t.tmp, file);
  } catch (e) {
    rmSync(t.tmp, { force: true });
    throw e;
  }
}

/** writeSync may write less than asked (it does not loop): write until every byte is out. */
function writeAllSync(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  for (let off = 0; off < buf.byteLength; ) {
    const n = writeSync(fd, buf, off, buf.byteLength - off);
    if (n <= 0) throw new Error(`write returned ${n} with ${buf.byteLength - off} bytes left`);
    off += n;
  }
}

const fsyncAsync = (fd: number): Promise<void> => new Promise((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));

/** Per folder: the fsync running now, and the one queued behind it for writers that came later. */
const dirSyncs = new Map<string, { running?: Promise<void>; queued?: Promise<void> }>();

/**
 * Resolves after a folder fsync that started after this call, so it covers the caller's rename.
 * Writers that arrive while one runs share the next one: one flush per batch, not per file.
 */
function syncDirShared(dir: string): Promise<void> {
  let st = dirSyncs.get(dir);
  if (!st) dirSyncs.set(dir, (st = {}));
  const state = st;
  if (!state.running) {
    state.running = fsyncDirAsync(dir).finally(() => {
      state.running = undefined;
      if (!state.queued) dirSyncs.delete(dir);
    });
    return state.running;
  }
  state.queued ??= state.running.then(() => {
    state.queued = undefined;
    return syncDirShared(dir);
  });
  return state.queued;
}

/** The folder's fsync in the thread pool (open and close are metadata-only and stay synchronous). */
async function fsyncDirAsync(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return; // some platforms cannot open folders; the rename itself is still atomic
  }
  try {
    await fsyncAsync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the rename itself is still atomic.
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on folders; the rename itself is still atomic.
  }
}
