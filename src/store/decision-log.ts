// Append-only decision log (JSONL), rotated by size and hash-chained (src/store/chain.ts): one line
// per record holding the compatible `security.decision` frame and the full decision, plus `seq`,
// `prevHash` and `hash`. Checkpoints (every N records, on rotation and on close; optionally signed
// with the operator's key) go to `<log>.checkpoints.jsonl`. `clawshield log verify` checks it all.
// Writes are synchronous on a held file descriptor, so a line is either fully written or not at all
// visible to a reader after a crash (a torn last line is acknowledged by a chain_recovery record).

import type { ResolvedConfig } from "../config/schema.ts";
import { createChainWriter, type ChainHead, type ChainSigner } from "./chain.ts";

export interface DecisionLogOptions {
  readonly path: string;
  readonly maxBytes: number;
  readonly keep: number;
  /** Write a checkpoint every this many records (default 1000; 0 = only on rotation and close). */
  readonly checkpointEvery?: number;
  /** Signs checkpoints ([policy] checkpoint_key). */
  readonly signer?: ChainSigner;
  readonly now?: () => number;
  /**
   * Group commit (long-running shells): the lines of one event-loop turn are written together, so
   * a busy sidecar does one write per turn instead of one per decision. A crash loses at most the
   * current turn's lines (blocked actions are quarantined before their decision is returned).
   * Write failures then reach `onError` with the number of records lost.
   */
  readonly groupCommit?: boolean;
  readonly onError?: (err: Error, lostRecords: number) => void;
}

export interface DecisionLog {
  readonly path: string;
  /** Appends one JSON record as a line (chained). Throws on I/O failure (caller logs and counts), unless group-committed (then `onError`). */
  append(record: Record<string, unknown>): void;
  /** Writes what group commit still holds (reads of the file in the same process call this first). */
  flush?(): void;
  /** Writes a checkpoint of the current head now. */
  checkpoint?(reason?: string): void;
  /** seq and hash of the last record written. */
  head?(): ChainHead;
  close(): void;
}

export function createDecisionLog(opts: DecisionLogOptions): DecisionLog {
  const w = createChainWriter({
    path: opts.path,
    maxBytes: opts.maxBytes,
    keep: opts.keep,
    checkpointEvery: opts.checkpointEvery ?? 1000,
    ...(opts.signer ? { signer: opts.signer } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.groupCommit ? { groupCommit: true } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  return {
    path: opts.path,
    append(record) {
      w.append(record);
    },
    flush: () => w.flush(),
    checkpoint: (reason) => w.checkpoint(reason),
    head: () => w.head(),
    close() {
      w.close();
    },
  };
}

/** The decision-log options of a config (without the signer, which src/policy adds). */
export function decisionLogOptionsOf(config: ResolvedConfig, signer?: ChainSigner): DecisionLogOptions {
  return {
    path: config.runtime.decision_log_path,
    maxBytes: config.runtime.decision_log_max_bytes,
    keep: config.runtime.decision_log_keep,
    checkpointEvery: config.policy.checkpoint_every,
    ...(signer ? { signer } : {}),
  };
}
