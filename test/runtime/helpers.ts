// Shared test helpers for the runtime: configs with overrides, a fake defender around the real
// engine (configurable delay), a recording telemetry and logger.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import type { ResolvedConfig } from "../../src/config/schema.ts";
import type { DecisionSink, Defender, EvaluateOptions } from "../../src/defender/defender.ts";
import type { Logger, Telemetry } from "../../src/defender/types.ts";
import type { Engine } from "../../src/engine/engine.ts";
import type { Action, Decision } from "../../src/engine/types.ts";
import { createEngine } from "../../src/index.ts";

export function tmpDir(prefix = "cs-rt-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function config(overrides: Record<string, unknown> = {}, dir = tmpDir()): ResolvedConfig {
  return loadConfig({ env: {}, cwd: dir, overrides });
}

let enginePromise: Promise<Engine> | undefined;
export function sharedEngine(): Promise<Engine> {
  enginePromise ??= createEngine(config());
  return enginePromise;
}

export interface FakeDefender extends Defender {
  readonly evaluated: { action: Action; opts: EvaluateOptions }[];
  /** Decisions handed to `record` (evidence of decisions the pipeline made itself). */
  readonly recorded: { action: Action; decision: Decision }[];
  /** Highest number of evaluations running at once, per session key. */
  readonly maxConcurrentPerSession: Map<string, number>;
  maxConcurrent: number;
}

export async function fakeDefender(cfg: ResolvedConfig, opts: { delayMs?: (a: Action) => number; fail?: (a: Action) => boolean } = {}): Promise<FakeDefender> {
  const engine = await createEngine(cfg);
  const evaluated: { action: Action; opts: EvaluateOptions }[] = [];
  const recorded: { action: Action; decision: Decision }[] = [];
  const runningPerSession = new Map<string, number>();
  const maxConcurrentPerSession = new Map<string, number>();
  let running = 0;
  const sinks: DecisionSink[] = [];
  const d: FakeDefender = {
    config: cfg,
    // Its delays stand for lookups: a late evaluation can learn something the fail-mode answer did not.
    hasLookups: true,
    engine,
    evaluated,
    recorded,
    maxConcurrentPerSession,
    maxConcurrent: 0,
    async evaluate(action, o = {}) {
      evaluated.push({ action, opts: o });
      const key = action.context.sessionKey ?? `none-${action.id}`;
      runningPerSession.set(key, (runningPerSession.get(key) ?? 0) + 1);
      maxConcurrentPerSession.set(key, Math.max(maxConcurrentPerSession.get(key) ?? 0, runningPerSession.get(key)!));
      running++;
      d.maxConcurrent = Math.max(d.maxConcurrent, running);
      try {
        const ms = opts.delayMs?.(action) ?? 0;
        await new Promise((r) => setTimeout(r, ms));
        if (opts.fail?.(action)) throw new Error("boom");
        const decision = engine.evaluate(action, { tags: o.tags ?? [] });
        for (const s of sinks) await s.record(action, decision);
        return decision;
      } finally {
        running--;
        runningPerSession.set(key, runningPerSession.get(key)! - 1);
      }
    },
    replaceEngine() {},
    async record(action, decision) {
      recorded.push({ action, decision });
      return decision;
    },
    addSink(s) {
      sinks.push(s);
      return () => sinks.splice(sinks.indexOf(s), 1);
    },
    async start() {},
    async stop() {},
  };
  return d;
}

export interface RecordingTelemetry extends Telemetry {
  readonly counts: { name: string; labels: Record<string, string>; by: number }[];
  readonly gauges: Map<string, number>;
  total(name: string, match?: Record<string, string>): number;
}

export function recordingTelemetry(): RecordingTelemetry {
  const counts: { name: string; labels: Record<string, string>; by: number }[] = [];
  const gauges = new Map<string, number>();
  return {
    counts,
    gauges,
    count(name, labels = {}, by = 1) {
      counts.push({ name, labels: { ...labels }, by });
    },
    observe() {},
    gauge(name, value) {
      gauges.set(name, value);
    },
    total(name, match = {}) {
      return counts.filter((c) => c.name === name && Object.entries(match).every(([k, v]) => c.labels[k] === v)).reduce((s, c) => s + c.by, 0);
    },
  };
}

export interface RecordingLogger extends Logger {
  readonly lines: { level: string; obj: unknown; msg: string | undefined }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: { level: string; obj: unknown; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object | string, msg?: string): void => {
    lines.push({ level, obj, msg: typeof obj === "string" ? obj : msg });
  };
  return { lines, trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function ids(ds: readonly Decision[]): string[] {
  return ds.map((d) => d.id);
}
