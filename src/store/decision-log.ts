// Append-only decision log (JSONL), rotated by size. One line per decision, holding the
// compatible `security.decision` frame and the full decision. Writes are synchronous on a held
// file descriptor, so a line is either fully written or not at all visible to a reader after a crash
// (a torn last line is detected and skipped by readers).

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export interface DecisionLogOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
}

export interface DecisionLog {
  readonly path: string;
  /** Appends one JSON record as a line. Throws on I/O failure (caller logs and counts). */
  append(record: Record<string, unknown>): void;
  close(): void;
}

export function createDecisionLog(opts: DecisionLogOptions): DecisionLog {
  mkdirSync(path.dirname(opts.path), { recursive: true });
  let fd = openSync(opts.path, "a", 0o600);
  let size = fstatSync(fd).size;
  const rotate = (): void => {
    closeSync(fd);
    const oldest = `${opts.path}.${opts.keep}`;
    if (existsSync(oldest)) rmSync(oldest, { force: true });
    for (let i = opts.keep - 1; i >= 1; i--) {
      const from = `${opts.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${opts.path}.${i + 1}`);
    }
    renameSync(opts.path, `${opts.path}.1`);
    fd = openSync(opts.path, "a", 0o600);
    size = 0;
  };
  return {
    path: opts.path,
    append(record) {
      const line = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
      if (size > 0 && size + line.length > opts.maxBytes) rotate();
      writeSync(fd, line);
      size += line.length;
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}
