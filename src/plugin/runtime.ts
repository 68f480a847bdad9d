// Process-wide plugin state. OpenClaw calls `register` several times per process (once per plugin
// runtime instance, again after a config reload), and may load the module more than once, so the
// state lives on globalThis: one config load + one engine creation per distinct plugin config, one
// taint map, one set of counters. Nothing starts at import time.

import type { ResolvedConfig } from "../config/schema.ts";
import { buildDefender } from "../defender/build.ts";
import type { Defender } from "../defender/defender.ts";
import type { Logger, Telemetry } from "../defender/types.ts";
import { resolvePluginSetup, type ResolvedPluginSetup } from "./config.ts";
import { DecisionRing } from "./liveness.ts";
import { TaintTracker } from "./taint.ts";
import type { PluginLogger } from "./types.ts";

export interface PluginRuntime {
  readonly setup: ResolvedPluginSetup;
  readonly config: ResolvedConfig;
  readonly defender: Defender;
}

/** Counters kept by the plugin (also logged); read them with `pluginStats()`. */
export interface PluginStats {
  decisions: { allow: number; review: number; block: number };
  /** Tool calls blocked because ClawShield could not decide (error, engine not ready). */
  failClosed: number;
  approvals: { requested: number; allowed: number; denied: number; timedOut: number; cancelled: number };
  scans: { inbound: number; toolResults: number; errors: number };
  /** Outgoing messages that carried a credential: sent redacted, cancelled, or let through (outbound_secrets = "off" is never counted). */
  outbound: { redacted: number; cancelled: number };
  taints: number;
  taintBlocks: number;
  engineStarts: number;
  /** Wall time of the last before_tool_call evaluations (ms), newest last, at most 64. */
  recentEvalMs: number[];
  /** Wall time (ms) the Gateway spent inside each ClawShield hook, newest last, at most 64 per hook. */
  hookMs: { beforeToolCall: number[]; afterToolCall: number[]; messageReceived: number[]; messageSending: number[] };
}

export interface PluginProcessState {
  key?: string;
  setup?: ResolvedPluginSetup;
  setupError?: Error;
  runtime?: Promise<PluginRuntime>;
  /** Set once `runtime` resolved: lets synchronous hooks use the engine. */
  ready?: PluginRuntime;
  readonly taint: TaintTracker;
  readonly stats: PluginStats;
  /** Every before_tool_call decision, for the sidecar's hook-liveness guard (clawshield.decisions). */
  readonly ring: DecisionRing;
}

const STATE_KEY = Symbol.for("clawshield.plugin.state.v1");

export function newStats(): PluginStats {
  return {
    decisions: { allow: 0, review: 0, block: 0 },
    failClosed: 0,
    approvals: { requested: 0, allowed: 0, denied: 0, timedOut: 0, cancelled: 0 },
    scans: { inbound: 0, toolResults: 0, errors: 0 },
    outbound: { redacted: 0, cancelled: 0 },
    taints: 0,
    taintBlocks: 0,
    engineStarts: 0,
    recentEvalMs: [],
    hookMs: { beforeToolCall: [], afterToolCall: [], messageReceived: [], messageSending: [] },
  };
}

export function processState(): PluginProcessState {
  const g = globalThis as unknown as Record<symbol, PluginProcessState | undefined>;
  let s = g[STATE_KEY];
  if (s === undefined) {
    s = { taint: new TaintTracker({ ttlMs: 3600_000, maxSessions: 10_000 }), stats: newStats(), ring: new DecisionRing() };
    g[STATE_KEY] = s;
  }
  return s;
}

/** The plugin's counters (a live object). */
export function pluginStats(): PluginStats {
  return processState().stats;
}

/** Forgets the engine and config (tests; a new `register` starts again). Taint and counters stay unless `all`. */
export async function resetPluginState(opts: { all?: boolean } = {}): Promise<void> {
  const s = processState();
  const rt = s.runtime;
  delete s.key;
  delete s.setup;
  delete s.setupError;
  delete s.runtime;
  delete s.ready;
  if (rt) await rt.then((r) => r.defender.stop()).catch(() => undefined);
  if (opts.all) {
    const g = globalThis as unknown as Record<symbol, PluginProcessState | undefined>;
    delete g[STATE_KEY];
  }
}

/** Adapts OpenClaw's string logger to ClawShield's (obj, msg) logger. */
export function adaptLogger(l: PluginLogger | undefined): Logger {
  const base = l ?? { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
  const fmt = (obj: object | string, msg?: string): string => {
    if (typeof obj === "string") return `[clawshield] ${obj}`;
    const o = { ...(obj as Record<string, unknown>) };
    if (o.err instanceof Error) o.err = o.err.message;
    let extra = "";
    try {
      extra = JSON.stringify(o);
    } catch {
      extra = "";
    }
    return `[clawshield] ${msg ?? ""}${extra && extra !== "{}" ? ` ${extra}` : ""}`;
  };
  const logger: Logger = {
    trace: () => {},
    debug: (o, m) => base.debug?.(fmt(o, m)),
    info: (o, m) => base.info(fmt(o, m)),
    warn: (o, m) => base.warn(fmt(o, m)),
    error: (o, m) => base.error(fmt(o, m)),
  };
  return logger;
}

/** Telemetry that lands in the plugin's counters (no metrics server runs inside the Gateway). */
function statsTelemetry(stats: PluginStats): Telemetry {
  return {
    count(name) {
      if (name === "quarantine_write_failed" || name === "decision_log_write_failed" || name === "provider_error" || name === "sink_error") stats.scans.errors++;
    },
    observe() {},
    gauge() {},
  };
}

export interface EnsureOptions {
  /** Start building the engine now (false: only load the config; the first hook starts it). */
  readonly start?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly home?: string;
}

/**
 * Loads the config (synchronously) and starts the engine once per distinct plugin config. Returns
 * the state; `state.runtime` is the engine promise (created lazily when `start` is false).
 */
export function ensureRuntime(rawOptions: unknown, logger: Logger, opts: EnsureOptions = {}): PluginProcessState {
  const s = processState();
  const key = stableKey(rawOptions, opts.env ?? process.env);
  if (s.key !== key) {
    const old = s.runtime;
    s.key = key;
    delete s.setup;
    delete s.setupError;
    delete s.runtime;
    delete s.ready;
    if (old) void old.then((r) => r.defender.stop()).catch(() => undefined);
    try {
      s.setup = resolvePluginSetup(rawOptions, { ...(opts.env ? { env: opts.env } : {}), ...(opts.home ? { home: opts.home } : {}) });
      const p = s.setup.config.plugin;
      s.taint.configure({ ttlMs: p.taint_ttl_secs * 1000, maxSessions: p.taint_max_sessions });
      if (s.setup.ignored.length > 0) logger.warn({ keys: s.setup.ignored }, "ignored unknown or mistyped plugin config keys");
      logger.info(
        { configFile: s.setup.configFile ?? "(built-in defaults)", stateDir: s.setup.stateDir, quarantineDir: s.setup.config.security.quarantine_dir, auditOnly: s.setup.config.runtime.audit_only, taintPolicy: p.taint_policy },
        "config loaded",
      );
    } catch (e) {
      s.setupError = e as Error;
      logger.error({ err: e }, "config could not be loaded: every tool call will be blocked (fail closed) until it is fixed");
    }
  }
  if (opts.start !== false) startRuntime(s, logger);
  return s;
}

/** The engine promise, created on first use. Rejects when the config is invalid or the engine fails. */
export function startRuntime(s: PluginProcessState, logger: Logger): Promise<PluginRuntime> {
  if (s.runtime) return s.runtime;
  const setup = s.setup;
  if (setup === undefined) {
    const err = s.setupError ?? new Error("ClawShield plugin config was not loaded");
    s.runtime = Promise.reject(err);
    s.runtime.catch(() => undefined);
    return s.runtime;
  }
  const t0 = performance.now();
  s.stats.engineStarts++;
  const p = buildDefender(setup.config, { logger, telemetry: statsTelemetry(s.stats) }).then(async (defender) => {
    await defender.start();
    const rt: PluginRuntime = { setup, config: setup.config, defender };
    if (s.runtime === p) s.ready = rt;
    logger.info({ ms: Math.round(performance.now() - t0) }, "engine ready");
    return rt;
  });
  p.catch((e: unknown) => logger.error({ err: e }, "engine could not start: every tool call will be blocked (fail closed)"));
  s.runtime = p;
  return p;
}

function stableKey(raw: unknown, env: Readonly<Record<string, string | undefined>>): string {
  let k: string;
  try {
    k = JSON.stringify(raw ?? {}, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v));
  } catch {
    k = String(Math.random());
  }
  return `${k}|${env.CLAWSHIELD_CONFIG ?? ""}|${env.OPENCLAW_RS_CONFIG ?? ""}|${env.OPENCLAW_STATE_DIR ?? ""}`;
}

/** The plugin's counters without the timing samples, for `clawshield.decisions` (operators and the sidecar read them). */
export function countersOf(stats: PluginStats): Omit<PluginStats, "recentEvalMs" | "hookMs"> {
  const { recentEvalMs: _e, hookMs: _h, ...counters } = stats;
  return structuredClone(counters);
}

/** Median and max wall time per hook over its recent calls (ms), for `clawshield.decisions`. */
export function hookMsSummary(stats: PluginStats): Record<string, { n: number; medianMs: number; maxMs: number }> {
  const out: Record<string, { n: number; medianMs: number; maxMs: number }> = {};
  for (const [k, xs] of Object.entries(stats.hookMs)) {
    const s = [...xs].sort((a, b) => a - b);
    out[k] = { n: s.length, medianMs: s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!, maxMs: s.length === 0 ? 0 : s[s.length - 1]! };
  }
  return out;
}
