// Sidecar end to end (issue 8 item 3): a protocol-level fake Gateway (fake-gateway.ts) pushes
// session.message and session.tool events to the REAL sidecar (`clawshield start`'s runtime, in a
// child process: child.ts) and measures decisions/s, event-to-decision latency (p50/p99), RSS of the
// child at steady state, and RSS growth over a soak.
//
// After a warm-up, load is closed loop first (at most WINDOW events in flight: the capacity, measured
// before any overload step can leave a backlog), then open loop (a fixed offered rate, stepped 1k,
// 2k, 5k, 8k events/s, so latency includes queueing and is meaningful), then, after a 5 s pause, a
// soak at the target rate (5k/s, or 60 % of the measured capacity when that is lower): quick 20 s,
// full 5 min. Latency is from the fake Gateway's send (stamped in the event id) to the
// sidecar's decision callback (after the pipeline, the defender, the decision log, the state store
// and the decision stream), on the same machine clock (timeOrigin + performance.now in both
// processes). RSS is VmRSS of the child from /proc/<pid>/status, sampled every 250 ms.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { median, type Row } from "../lib.ts";
import { serviceCompileCache } from "../../src/service/compile-cache.ts";
import { RUNTIME_ENV, RUNTIME_NODE_FLAGS } from "../../src/service/node-flags.ts";
import { eventTemplates, payloadOf, type EventTemplate } from "./events.ts";
import { startFakeGateway, type FakeGateway } from "./fake-gateway.ts";

const TARGET_RATE = 5000;
const TARGET_P99_MS = 20;
const TARGET_RSS_MB = 150;
const TARGET_GROWTH = 0.1;
const WINDOW = 200; // closed loop: events in flight (below runtime.max_queue = 256, so no overflow)
const SESSIONS = 256;
const DEBUG = process.env.CS_BENCH_DEBUG === "1";

interface StepReport {
  step: number;
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  firstSend: number;
  lastDecision: number;
  actions: Record<string, number>;
  outcomes: Record<string, number>;
}

interface Progress {
  decided: number;
  unstamped: number;
  heapUsedMB: number;
  heapTotalMB?: number;
  externalMB?: number;
  arrayBuffersMB?: number;
  depth: number;
  inflight: number;
  reconnects: number;
  /** The child's CPU time (user + system) so far. */
  cpuMs?: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** VmRSS of a process in kB, with its anonymous / file-backed split (/proc/<pid>/status). */
function vmRss(pid: number): { kb: number; anonKb: number; fileKb: number } | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)\\s+kB`).exec(st)?.[1] ?? Number.NaN);
    const v = kb("VmRSS");
    return Number.isNaN(v) ? undefined : { kb: v, anonKb: kb("RssAnon"), fileKb: kb("RssFile") };
  } catch {
    return undefined;
  }
}

class Harness {
  readonly gw: FakeGateway;
  readonly child: ChildProcess;
  readonly templates: EventTemplate[];
  progress: Progress = { decided: 0, unstamped: 0, heapUsedMB: 0, depth: 0, inflight: 0, reconnects: 0 };
  sent = 0;
  next = 0;
  readonly rss: { t: number; kb: number }[] = [];
  private readonly waiters = new Map<string, (m: Record<string, unknown>) => void>();
  private sampler: NodeJS.Timeout | undefined;
  exited = false;

  constructor(gw: FakeGateway, child: ChildProcess, templates: EventTemplate[]) {
    this.gw = gw;
    this.child = child;
    this.templates = templates;
    child.on("message", (m: Record<string, unknown>) => {
      if (m.t === "progress") this.progress = m as unknown as Progress;
      const key = m.t === "step" ? `step:${String(m.step)}` : String(m.t);
      const w = this.waiters.get(key);
      if (w) {
        this.waiters.delete(key);
        w(m);
      }
    });
    child.on("exit", () => {
      this.exited = true;
    });
    this.sampler = setInterval(() => {
      const r = child.pid ? vmRss(child.pid) : undefined;
      if (r !== undefined) this.rss.push({ t: now(), kb: r.kb });
      if (r !== undefined && process.env.CS_BENCH_MEMTRACE === "1" && r.kb > 250 * 1024) console.error(`PARENT rss=${(r.kb / 1024).toFixed(0)} t=${Date.now()} decided=${this.progress.decided}`);
      if (DEBUG && (process.env.CS_BENCH_DEBUG_ALL === "1" || this.rss.length % 4 === 0)) {
        const p = this.progress;
        console.error(`[sidecar bench] rss=${((r?.kb ?? 0) / 1024).toFixed(0)}MB (anon ${((r?.anonKb ?? 0) / 1024).toFixed(0)}, file ${((r?.fileKb ?? 0) / 1024).toFixed(0)}) heap=${p.heapUsedMB.toFixed(0)}/${(p.heapTotalMB ?? 0).toFixed(0)}MB ext=${(p.externalMB ?? 0).toFixed(0)}MB ab=${(p.arrayBuffersMB ?? 0).toFixed(0)}MB sent=${this.sent} decided=${p.decided} depth=${p.depth} inflight=${p.inflight}`);
      }
    }, 250);
  }

  wait(key: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`sidecar child: no '${key}' within ${timeoutMs} ms${this.exited ? " (child exited)" : ""}`));
      }, timeoutMs);
      this.waiters.set(key, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }

  sendOne(step: number): void {
    const t = this.templates[this.next++ % this.templates.length]!;
    const stamp = `b${step}_${this.sent}_${now().toFixed(3)}`;
    this.gw.sendEvent(t.event, payloadOf(t, stamp));
    this.sent++;
  }

  /** Open loop at `rate` events/s for `ms`. Returns the events sent and the achieved offered rate. */
  async openLoop(step: number, rate: number, ms: number): Promise<{ sent: number; offered: number }> {
    const start = this.sent;
    const t0 = now();
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const el = now() - t0;
        const due = Math.min(Math.floor((rate * Math.min(el, ms)) / 1000), Math.ceil((rate * ms) / 1000)) - (this.sent - start);
        for (let i = 0; i < due; i++) this.sendOne(step);
        if (el >= ms) return resolve();
        setTimeout(tick, 1);
      };
      tick();
    });
    const sent = this.sent - start;
    return { sent, offered: (sent / (now() - t0)) * 1000 };
  }

  /** Closed loop: keep at most `window` events in flight for `ms`. */
  async closedLoop(step: number, window: number, ms: number): Promise<{ sent: number }> {
    const start = this.sent;
    const t0 = now();
    const base = this.sent - this.progress.decided; // anything still in flight from before
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const inFlight = this.sent - this.progress.decided - Math.max(0, base);
        for (let i = inFlight; i < window; i++) this.sendOne(step);
        if (now() - t0 >= ms) return resolve();
        setTimeout(tick, 1);
      };
      tick();
    });
    return { sent: this.sent - start };
  }

  /** Waits until every sent event is decided (bounded), then fetches the step's report. */
  async report(step: number, drainMs = 30_000): Promise<StepReport> {
    const until = Date.now() + drainMs;
    while (this.progress.decided + this.progress.unstamped < this.sent && Date.now() < until && !this.exited) await sleep(20);
    await sleep(150); // one more progress/decision round
    this.child.send({ t: "report", step });
    return (await this.wait(`step:${step}`, 10_000)) as unknown as StepReport;
  }

  /** Marks the child's CPU time and decided count (start of a step). */
  cpuMark(): { cpuMs: number; decided: number } {
    return { cpuMs: this.progress.cpuMs ?? 0, decided: this.progress.decided };
  }

  /** The child's CPU time per decision since a mark, in µs (all threads of the process). */
  cpuUsPerDecision(m: { cpuMs: number; decided: number }): number {
    const d = this.progress.decided - m.decided;
    return d > 0 ? Number((((this.progress.cpuMs ?? 0) - m.cpuMs) * 1000 / d).toFixed(1)) : Number.NaN;
  }

  rssBetween(t0: number, t1: number): number[] {
    return this.rss.filter((s) => s.t >= t0 && s.t <= t1).map((s) => s.kb / 1024);
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    if (!this.exited) {
      this.child.send({ t: "stop" });
      const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
      const killed = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
      if (killed && this.child.pid && !this.exited) {
        this.child.kill("SIGKILL");
        await exited;
      }
    }
    await this.gw.close();
  }
}

export async function benchSidecar(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const quick = opts.quick ?? false;
  // Diagnosis knobs (profiling one load level): CS_BENCH_SIDECAR_RATES=1000,2000 CS_BENCH_SIDECAR_STEP_MS, CS_BENCH_SIDECAR_SOAK_MS, CS_BENCH_SIDECAR_SOAK_RATE.
  const env = process.env;
  const stepMs = Number(env.CS_BENCH_SIDECAR_STEP_MS ?? (quick ? 5_000 : 15_000));
  const soakMs = Number(env.CS_BENCH_SIDECAR_SOAK_MS ?? (quick ? 20_000 : 300_000));
  const { templates, source } = eventTemplates(SESSIONS);
  const dir = mkdtempSync(path.join(os.tmpdir(), "clawshield-bench-sidecar-"));
  const logFile = path.join(dir, "sidecar.log");
  const logFd = openSync(logFile, "w");
  const load0 = os.loadavg();
  const gw = await startFakeGateway();
  // The sidecar runs as `clawshield start` runs it: with the runtime Node flags and malloc setting
  // (src/service/node-flags.ts); CS_BENCH_NODE_TUNING=off measures plain Node for comparison.
  const tuned = env.CS_BENCH_NODE_TUNING !== "off";
  const nodeFlags = [...(tuned ? RUNTIME_NODE_FLAGS : []), ...(env.CS_BENCH_CHILD_ARGS ?? "").split(" ").filter(Boolean)];
  // ...and with Node's compile cache in a private folder, filled by a warm-up run first, as
  // `clawshield start` does (src/service/compile-cache.ts).
  const childEnv: NodeJS.ProcessEnv = { ...(tuned ? RUNTIME_ENV : {}), ...process.env, HOME: dir, CS_BENCH_URL: gw.url, CS_BENCH_TOKEN: gw.token, CS_BENCH_DIR: dir, NODE_NO_WARNINGS: "1" };
  if (tuned && childEnv.NODE_COMPILE_CACHE === undefined) {
    const cache = serviceCompileCache(dir, {});
    if (cache.ok) {
      childEnv.NODE_COMPILE_CACHE = cache.dir;
      const warm = spawnSync(process.execPath, [...nodeFlags, path.join(import.meta.dirname, "child.ts")], { env: { ...childEnv, CS_BENCH_WARM_ONLY: "1" }, stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
      if (warm.status !== 0) throw new Error(`sidecar bench: the compile-cache warm-up run failed (exit ${warm.status ?? warm.signal}): ${String(warm.stderr).slice(0, 500)}`);
    }
  }
  const child = spawn(process.execPath, [...nodeFlags, path.join(import.meta.dirname, "child.ts")], {
    stdio: ["ignore", "ignore", logFd, "ipc"],
    env: childEnv,
  });
  closeSync(logFd);
  const h = new Harness(gw, child, templates);
  const rows: Row[] = [];
  try {
    await Promise.all([h.wait("ready", 60_000), gw.waitSubscribed(60_000)]);
    const idleRss = median(h.rss.slice(-4).map((s) => s.kb / 1024));

    // Warm-up (JIT, caches, SQLite pages): not reported.
    await h.openLoop(0, 1000, quick ? 2_000 : 5_000);
    await h.report(0);

    let step = 1;
    // Diagnosis: CS_BENCH_SIDECAR_OPEN_FIRST=1 runs the open-loop rates once before the closed loop
    // too (logged, not reported), to see the RSS of a steady load that no overload burst preceded.
    if (env.CS_BENCH_SIDECAR_OPEN_FIRST === "1") {
      let diagStep = 90;
      for (const rate of (env.CS_BENCH_SIDECAR_RATES ?? String(TARGET_RATE)).split(",").map(Number)) {
        const t0 = now();
        await h.openLoop(diagStep, rate, stepMs);
        const rep = await h.report(diagStep++);
        const rss = h.rssBetween(t0, now());
        console.error(`[sidecar bench] open-first ${rate}/s: p99 ${rep.p99.toFixed(1)} ms, RSS max ${Math.max(...rss).toFixed(1)} MB, median ${median(rss).toFixed(1)} MB`);
      }
    }
    // Closed loop: capacity.
    const c0 = now();
    const cm = h.cpuMark();
    const closed = await h.closedLoop(step, WINDOW, stepMs);
    const crep = await h.report(step);
    const closedCpu = h.cpuUsPerDecision(cm);
    const capacity = (crep.n / (crep.lastDecision - crep.firstSend)) * 1000;
    rows.push({
      suite: "sidecar",
      name: `closed loop (≤ ${WINDOW} in flight): capacity`,
      n: crep.n,
      opsPerSec: capacity,
      p50Ms: crep.p50,
      p99Ms: crep.p99,
      extra: { sent: closed.sent, evaluated: crep.outcomes.evaluated ?? 0, failMode: (crep.outcomes.queue_overflow ?? 0) + (crep.outcomes.timeout ?? 0), cpuUsPerDecision: closedCpu, rssMaxMB: Number(Math.max(...h.rssBetween(c0, now())).toFixed(1)) },
    });

    step++;
    const openRates = env.CS_BENCH_SIDECAR_RATES ? env.CS_BENCH_SIDECAR_RATES.split(",").map(Number) : [1000, 2000, 5000, 8000];
    let atTarget: { rep: StepReport; rate: number; rssMax: number } | undefined;
    for (const rate of openRates) {
      const t0 = now();
      const m0 = h.cpuMark();
      const { sent, offered } = await h.openLoop(step, rate, stepMs);
      const rep = await h.report(step);
      const cpuUs = h.cpuUsPerDecision(m0);
      const t1 = now();
      const rssMax = Math.max(...h.rssBetween(t0, t1));
      const evaluated = rep.outcomes.evaluated ?? 0;
      const failMode = (rep.outcomes.queue_overflow ?? 0) + (rep.outcomes.timeout ?? 0) + (rep.outcomes.runtime_error ?? 0);
      const decisionsPerSec = (rep.n / (rep.lastDecision - rep.firstSend)) * 1000;
      const isTarget = rate === TARGET_RATE;
      const kept = rep.n >= sent * 0.999 && failMode === 0;
      const met = kept && rep.n >= sent && decisionsPerSec >= TARGET_RATE * 0.98 && rep.p99 <= TARGET_P99_MS && rssMax <= TARGET_RSS_MB;
      if (isTarget) atTarget = { rep, rate, rssMax };
      rows.push({
        suite: "sidecar",
        name: `open loop ${rate.toLocaleString("en-US")} events/s`,
        n: rep.n,
        opsPerSec: decisionsPerSec,
        p50Ms: rep.p50,
        p99Ms: rep.p99,
        extra: {
          offered: Math.round(offered),
          sent,
          evaluated,
          failMode,
          ...(rep.outcomes.idempotency_hit ? { idempotencyHits: rep.outcomes.idempotency_hit } : {}),
          maxMs: Number(rep.max.toFixed(1)),
          review: rep.actions.review ?? 0,
          block: rep.actions.block ?? 0,
          cpuUsPerDecision: cpuUs,
          rssMaxMB: Number(rssMax.toFixed(1)),
        },
        ...(isTarget ? { target: `≥ ${TARGET_RATE.toLocaleString("en-US")}/s, p99 ≤ ${TARGET_P99_MS} ms, RSS ≤ ${TARGET_RSS_MB} MB`, met } : {}),
      });
      step++;
    }

    // Soak: RSS growth at steady load (after a pause, so an overloaded step's backlog is gone).
    await sleep(5_000);
    // Steady load with headroom: 60 % of the closed-loop (burst) capacity, at most the 5k/s target.
    const soakRate = Number(env.CS_BENCH_SIDECAR_SOAK_RATE ?? Math.min(TARGET_RATE, Math.floor((capacity * 0.6) / 100) * 100));
    const s0 = now();
    const soak = await h.openLoop(step, soakRate, soakMs);
    const s1 = now();
    const srep = await h.report(step, 60_000);
    const samples = h.rssBetween(s0, s1);
    const tenth = Math.max(1, Math.floor(samples.length / 10));
    // Start = the median of the second tenth (the first is the step-up from the previous load).
    const startMB = median(samples.slice(tenth, 2 * tenth));
    const endMB = median(samples.slice(-tenth));
    const growth = (endMB - startMB) / startMB;
    const peak = Math.max(...samples);
    rows.push({
      suite: "sidecar",
      name: `soak ${Math.round(soakMs / 1000)} s at ${soakRate.toLocaleString("en-US")} events/s`,
      n: srep.n,
      opsPerSec: (srep.n / (srep.lastDecision - srep.firstSend)) * 1000,
      p50Ms: srep.p50,
      p99Ms: srep.p99,
      extra: {
        sent: soak.sent,
        failMode: (srep.outcomes.queue_overflow ?? 0) + (srep.outcomes.timeout ?? 0),
        idleRssMB: Number(idleRss.toFixed(1)),
        rssStartMB: Number(startMB.toFixed(1)),
        rssEndMB: Number(endMB.toFixed(1)),
        rssPeakMB: Number(peak.toFixed(1)),
        growthPct: Number((growth * 100).toFixed(1)),
        heapUsedMB: Number(h.progress.heapUsedMB.toFixed(1)),
        ...(soakRate < TARGET_RATE ? { note: "soak rate below 5k/s: capacity-limited" } : {}),
      },
      target: `RSS growth ≤ ${TARGET_GROWTH * 100}%, RSS ≤ ${TARGET_RSS_MB} MB`,
      met: growth <= TARGET_GROWTH && peak <= TARGET_RSS_MB,
    });
    const load1 = os.loadavg();
    const logMB = statSync(logFile).size / 2 ** 20;
    rows.push({
      suite: "sidecar",
      name: "run info",
      n: 0,
      extra: {
        content: source.startsWith("../shared") ? "corpora mix" : "generated mix",
        sessions: SESSIONS,
        nodeFlags: nodeFlags.join(" ") || "none",
        reconnects: h.progress.reconnects,
        hellos: gw.hellos,
        loadavg1Start: Number(load0[0]!.toFixed(2)),
        loadavg1End: Number(load1[0]!.toFixed(2)),
        sidecarLogMB: Number(logMB.toFixed(1)),
        ...(atTarget ? {} : { note: "no 5k step" }),
      },
    });
  } catch (e) {
    let tail = "";
    try {
      tail = readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
    } catch {
      // no log
    }
    throw new Error(`sidecar bench failed: ${(e as Error).message}\nsidecar log tail:\n${tail}`);
  } finally {
    await h.stop();
    if (!process.env.CS_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.error(`sidecar bench dir kept: ${dir}`);
  }
  return rows;
}
