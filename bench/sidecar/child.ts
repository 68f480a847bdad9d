// The sidecar under load, in its own process (so its RSS is measured alone). Started by
// sidecar.bench.ts with `process.execPath bench/sidecar/child.ts` and an IPC channel.
//
// It runs what `clawshield start` runs (startRuntime in src/cli/commands/sidecar.ts: state store,
// buildDefender with evidence in a temp dir, createPipeline, the HTTP API on a free loopback port,
// createSidecar connected to the fake Gateway), with one addition: a sidecar hook that sees every
// decision the sidecar gets back from the pipeline. Each event carries its send time in its id
// (messageId / toolCallId `b<step>_<seq>_<sendMs>`); the hook computes event-to-decision latency
// into a fixed-size log histogram per step (no per-event allocation, so a soak does not grow the
// heap by measuring itself) and reports to the parent on request.
//
// Env: CS_BENCH_URL, CS_BENCH_TOKEN, CS_BENCH_DIR (state, evidence, logs); CS_BENCH_OVERRIDES
// (optional JSON of config overrides, for diagnosis runs).

import path from "node:path";
import { buildConfig } from "../../src/config/load.ts";
import { startRuntime, warmServiceModules } from "../../src/cli/commands/sidecar.ts";
import { createSidecar } from "../../src/gateway/sidecar.ts";
import type { Decision } from "../../src/engine/types.ts";

// The compile-cache warm-up run (sidecar.bench.ts), as `clawshield start` does before the service
// starts: load every module, including the lazily loaded HTTP API, write the cache and exit.
if (process.env.CS_BENCH_WARM_ONLY === "1") {
  await warmServiceModules();
  process.exit(0);
}

const url = process.env.CS_BENCH_URL;
const token = process.env.CS_BENCH_TOKEN;
const dir = process.env.CS_BENCH_DIR;
if (!url || !token || !dir || !process.send) {
  console.error("child.ts is started by bench/sidecar/sidecar.bench.ts (needs CS_BENCH_URL, CS_BENCH_TOKEN, CS_BENCH_DIR and an IPC channel)");
  process.exit(2);
}
const send = (m: unknown): void => {
  process.send?.(m);
};

// Log histogram: bucket i covers [MIN * R^i, MIN * R^(i+1)) ms; 1 % resolution from 10 µs to 100 s.
const MIN_MS = 0.01;
const R = 1.01;
const LOG_R = Math.log(R);
const BUCKETS = Math.ceil(Math.log(100_000 / MIN_MS) / LOG_R) + 1;

interface StepStats {
  readonly hist: Uint32Array;
  n: number;
  sum: number;
  max: number;
  firstSend: number;
  lastDecision: number;
  readonly actions: Record<string, number>;
  readonly outcomes: Record<string, number>;
}

const steps = new Map<number, StepStats>();
function stats(step: number): StepStats {
  let s = steps.get(step);
  if (!s) {
    s = { hist: new Uint32Array(BUCKETS), n: 0, sum: 0, max: 0, firstSend: Number.POSITIVE_INFINITY, lastDecision: 0, actions: { allow: 0, review: 0, block: 0 }, outcomes: {} };
    steps.set(step, s);
  }
  return s;
}

function percentileOf(s: StepStats, p: number): number {
  if (s.n === 0) return Number.NaN;
  const want = Math.ceil((p / 100) * s.n);
  let acc = 0;
  for (let i = 0; i < BUCKETS; i++) {
    acc += s.hist[i]!;
    if (acc >= want) return Math.min(s.max, MIN_MS * R ** (i + 1)); // upper bound of the bucket
  }
  return s.max;
}

/** Set by CS_BENCH_STALLS=1: records each latency by decision (blocks wait for their quarantine record). */
let stallsSample: ((action: string, ms: number) => void) | undefined;

const STAMP = /b(\d+)_(\d+)_(\d+(?:\.\d+)?)$/;
let decided = 0;
let unstamped = 0;
const now = (): number => performance.timeOrigin + performance.now();

/** Fail-mode and scheduling tags the pipeline puts on decisions it did not fully evaluate. */
function outcomeOf(d: Decision): string {
  for (const t of d.tags) {
    if (t === "queue_overflow" || t === "timeout" || t === "idempotency_hit" || t === "runtime_error" || t === "stopped") return t;
    if (t.startsWith("merged_into:")) return "merged";
  }
  return "evaluated";
}

function onDecision(actionId: string, d: Decision): void {
  const t = now();
  decided++;
  const m = STAMP.exec(actionId);
  if (!m) {
    unstamped++;
    return;
  }
  const s = stats(Number(m[1]));
  const sent = Number(m[3]);
  const lat = Math.max(0, t - sent);
  const i = lat <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(lat / MIN_MS) / LOG_R));
  s.hist[i]!++;
  s.n++;
  stallsSample?.(d.action, lat);
  s.sum += lat;
  if (lat > s.max) s.max = lat;
  if (sent < s.firstSend) s.firstSend = sent;
  if (t > s.lastDecision) s.lastDecision = t;
  s.actions[d.action] = (s.actions[d.action] ?? 0) + 1;
  const o = outcomeOf(d);
  s.outcomes[o] = (s.outcomes[o] ?? 0) + 1;
}

const config = buildConfig(undefined, {
  env: {},
  cwd: dir,
  overrides: {
    "runtime.state_dir": path.join(dir, "state"),
    "runtime.decision_log_path": path.join(dir, "decisions.jsonl"),
    "runtime.session_state_path": path.join(dir, "state.db"),
    "security.quarantine_dir": path.join(dir, "quarantine"),
    "gateway.url": url,
    "gateway.token": token,
    "server.host": "127.0.0.1",
    // Diagnosis only (README: what limits the sidecar): extra config overrides as JSON.
    ...(JSON.parse(process.env.CS_BENCH_OVERRIDES ?? "{}") as Record<string, unknown>),
  },
});

// Diagnosis: CS_BENCH_ALLOC_PROFILE=<file> samples every allocation (including collected ones) and
// writes a .heapprofile at stop: where the per-decision garbage comes from.
const allocProfile = process.env.CS_BENCH_ALLOC_PROFILE;
let inspectorSession: import("node:inspector").Session | undefined;
if (allocProfile) {
  const { Session } = await import("node:inspector");
  inspectorSession = new Session();
  inspectorSession.connect();
  inspectorSession.post("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
async function writeAllocProfile(): Promise<void> {
  if (!inspectorSession || !allocProfile) return;
  const { writeFileSync } = await import("node:fs");
  await new Promise<void>((resolve) => {
    inspectorSession!.post("HeapProfiler.stopSampling", (err, res) => {
      if (!err) writeFileSync(allocProfile, JSON.stringify((res as { profile: unknown }).profile));
      resolve();
    });
  });
}

const rt = await startRuntime(config, {
  port: 0,
  sidecarFactory: (deps) => createSidecar({ ...deps, hooks: { onObserved: (o, d) => onDecision(o.action?.id ?? "", d) } }),
});

// Ready once the sidecar is connected with its scopes (the parent also waits for sessions.subscribe).
const readyAt = Date.now();
await new Promise<void>((resolve, reject) => {
  const t = setInterval(() => {
    const st = rt.sidecar?.status();
    if (st?.connected && st.scopesOk) {
      clearInterval(t);
      resolve();
    } else if (Date.now() - readyAt > 30_000) {
      clearInterval(t);
      reject(new Error(`sidecar not connected within 30 s: ${st?.lastError ?? "no status"}`));
    }
  }, 20);
});
send({ t: "ready", http: rt.http?.url });

// Decided count every 10 ms (the closed loop's feedback); memory once a second.
let mem = { heapUsedMB: 0, heapTotalMB: 0, externalMB: 0, arrayBuffersMB: 0 };
let ticks = 0;
let lastTick = performance.now();
const progress = setInterval(() => {
  if (process.env.CS_BENCH_MEMTRACE === "1") {
    const nowMs = performance.now();
    if (nowMs - lastTick > 40) console.error(`STALL gap=${(nowMs - lastTick).toFixed(0)}ms decided=${decided} t=${Date.now()} rss=${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)}`);
    lastTick = nowMs;
    const mu = process.memoryUsage();
    if (mu.rss > 250 * 2 ** 20) console.error(`MEMTRACE rss=${(mu.rss / 2 ** 20).toFixed(0)} heapTotal=${(mu.heapTotal / 2 ** 20).toFixed(0)} heapUsed=${(mu.heapUsed / 2 ** 20).toFixed(0)} ext=${(mu.external / 2 ** 20).toFixed(0)} ab=${(mu.arrayBuffers / 2 ** 20).toFixed(0)} decided=${decided} t=${Date.now()}`);
  }
  if (ticks++ % 100 === 0) {
    const mu = process.memoryUsage();
    mem = { heapUsedMB: mu.heapUsed / 2 ** 20, heapTotalMB: mu.heapTotal / 2 ** 20, externalMB: mu.external / 2 ** 20, arrayBuffersMB: mu.arrayBuffers / 2 ** 20 };
  }
  const cpu = process.cpuUsage();
  send({ t: "progress", decided, unstamped, cpuMs: (cpu.user + cpu.system) / 1000, ...mem, depth: rt.pipeline.depth, inflight: rt.pipeline.inflight, reconnects: rt.sidecar?.status().reconnects ?? 0 });
}, 10);

process.on("message", (msg: { t?: string; step?: number }) => {
  if (msg.t === "report" && typeof msg.step === "number") {
    const s = stats(msg.step);
    send({
      t: "step",
      step: msg.step,
      n: s.n,
      p50: percentileOf(s, 50),
      p99: percentileOf(s, 99),
      max: s.max,
      mean: s.n > 0 ? s.sum / s.n : Number.NaN,
      firstSend: s.firstSend,
      lastDecision: s.lastDecision,
      actions: s.actions,
      outcomes: s.outcomes,
    });
    steps.delete(msg.step);
  } else if (msg.t === "stop") {
    clearInterval(progress);
    void writeAllocProfile().then(() => rt.stop()).finally(() => {
      send({ t: "stopped", decided });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
    });
  }
});
process.on("disconnect", () => {
  // Parent gone: stop (bounded).
  clearInterval(progress);
  void rt.stop().finally(() => process.exit(0));
  setTimeout(() => process.exit(1), 10_000).unref();
});

// Diagnosis: CS_BENCH_SPACES=1 logs V8's heap spaces (committed/used MB) every 5 s to the child's
// log, to see which space (new, old, code, trusted, large objects) holds the RSS.
if (process.env.CS_BENCH_SPACES === "1") {
  const v8 = await import("node:v8");
  setInterval(() => {
    const sp = v8.getHeapSpaceStatistics().map((s) => `${s.space_name.replace("_space", "")}=${(s.space_size / 2 ** 20).toFixed(1)}/${(s.space_used_size / 2 ** 20).toFixed(1)}`).join(" ");
    console.error(`SPACES ${sp}`);
  }, 5000).unref();
}

// Diagnosis: CS_BENCH_STALLS=1 logs, once a second, the event loop's delay (p50/p99/max) and the
// garbage-collection pauses of that second by kind (count, total ms, longest), to tell a GC pause
// from a synchronous write or plain CPU saturation when the p99 misses.
if (process.env.CS_BENCH_STALLS === "1") {
  const { monitorEventLoopDelay, PerformanceObserver, constants } = await import("node:perf_hooks");
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_MAJOR]: "major", [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incr", [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak" };
  let gc: Record<string, { n: number; ms: number; max: number }> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = kinds[((e as unknown as { detail?: { kind?: number } }).detail)?.kind ?? -1] ?? "other";
      const g = (gc[k] ??= { n: 0, ms: 0, max: 0 });
      g.n++;
      g.ms += e.duration;
      g.max = Math.max(g.max, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  let last = decided;
  let lats: Record<string, number[]> = {};
  stallsSample = (action, ms) => {
    const a = (lats[action] ??= []);
    if (a.length < 20_000) a.push(ms);
  };
  const pct = (a: number[], p: number): string => (a.length === 0 ? "-" : a.sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!.toFixed(1));
  setInterval(() => {
    const byAction = Object.entries(lats).map(([k, a]) => `${k}:n${a.length}/p50=${pct(a, 50)}/p99=${pct(a, 99)}`).join(" ");
    lats = {};
    const g = Object.entries(gc).map(([k, v]) => `${k}=${v.n}/${v.ms.toFixed(1)}ms/max${v.max.toFixed(1)}`).join(" ");
    console.error(`STALLS decided/s=${decided - last} eld p50=${(eld.percentile(50) / 1e6).toFixed(1)} p99=${(eld.percentile(99) / 1e6).toFixed(1)} max=${(eld.max / 1e6).toFixed(1)}ms gc ${g} latency ${byAction}`);
    last = decided;
    gc = {};
    eld.reset();
  }, 1000).unref();
}
