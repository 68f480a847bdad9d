// Shared benchmark helpers: timing loops, percentiles, corpus loading, result rows.

import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "..");

export interface Row {
  readonly suite: string;
  readonly name: string;
  readonly n: number;
  readonly opsPerSec?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
  /** Target text and whether it was met (undefined = no target). */
  readonly target?: string;
  readonly met?: boolean;
}

/** Median of unsorted samples (mean of the two middle ones for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Runs `fn` over `inputs` round-robin for at least `minMs` after a warm-up, and returns throughput
 * and per-call latency percentiles of the timed part. Single-threaded: "on one core".
 *
 * The warm-up covers at least one full pass over the inputs and at least `warmupMs`: V8 compiles
 * lazily and tiers code up over seconds (the engine's first pass over the 5,000-input mix runs at
 * about a third of its steady rate, and the two seconds after it still ~20 % below), so a short
 * warm-up measures start-up instead of the long-running service. The first pass's own rate is
 * returned as `coldOpsPerSec` so start-up stays visible.
 */
export function measure<T>(inputs: readonly T[], fn: (x: T) => unknown, opts: { minMs?: number; warmupMs?: number; maxCalls?: number } = {}): { n: number; opsPerSec: number; p50Ms: number; p99Ms: number; meanMs: number; coldOpsPerSec: number } {
  const warmupMs = opts.warmupMs ?? 3000;
  const maxCalls = opts.maxCalls ?? 5_000_000;
  const w0 = performance.now();
  let coldMs = 0;
  for (let i = 0; i < maxCalls; i++) {
    fn(inputs[i % inputs.length]!);
    if (i + 1 === inputs.length) coldMs = performance.now() - w0;
    if (i + 1 >= inputs.length && ((i + 1) & 63) === 0 && performance.now() - w0 >= warmupMs) break;
  }
  const coldOpsPerSec = inputs.length / (Math.max(coldMs, 1e-3) / 1000);
  const minMs = opts.minMs ?? 2000;
  const lat: number[] = [];
  const t0 = performance.now();
  let i = 0;
  while (i < maxCalls) {
    const s = performance.now();
    fn(inputs[i % inputs.length]!);
    lat.push(performance.now() - s);
    i++;
    if ((i & 63) === 0 && performance.now() - t0 >= minMs && i >= inputs.length) break;
  }
  const total = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { n: i, opsPerSec: (i / total) * 1000, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), meanMs: total / i, coldOpsPerSec };
}

export function corporaDir(): string | undefined {
  const dir = process.env.CLAWSHIELD_CORPORA ?? path.resolve(REPO, "../shared/corpora");
  return existsSync(dir) ? dir : undefined;
}

/** Reads a corpus JSONL file (rows of the given split), or [] when absent. */
export function readCorpus(rel: string, split: "dev" | "test" | "all" = "all"): Record<string, unknown>[] {
  const dir = corporaDir();
  if (!dir) return [];
  const file = path.join(dir, rel);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => split === "all" || r.split === split);
}

export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, os: `${os.type()} ${os.release()}`, arch: process.arch };
}

export function fmt(n: number | undefined, digits = 3): string {
  if (n === undefined || Number.isNaN(n)) return "—";
  if (n >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(digits);
}
