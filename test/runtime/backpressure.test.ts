// Backpressure: bounded concurrency and queue, a deadline that covers the wait for a worker, and the
// fail modes (review by default, block as an option), tagged, logged and counted; a timeout never
// downgrades: the late evaluation still runs, a late block is logged and quarantined.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createDefender } from "../../src/defender/defender.ts";
import type { FactProvider } from "../../src/defender/types.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/index.ts";
import { startMemorySampler } from "../../src/runtime/memory.ts";
import { createPipeline } from "../../src/runtime/pipeline.ts";
import { createQuarantine } from "../../src/store/quarantine.ts";
import { config, fakeDefender, recordingLogger, recordingTelemetry, sleep, tmpDir } from "./helpers.ts";

describe("queue overflow", () => {
  for (const mode of ["review", "block"] as const) {
    it(`decides ${mode} by overflow_fail_mode, tagged queue_overflow, logged and counted`, async () => {
      const cfg = config({ "runtime.worker_concurrency": 1, "runtime.max_queue": 1, "runtime.overflow_fail_mode": mode });
      const def = await fakeDefender(cfg, { delayMs: () => 50 });
      const tel = recordingTelemetry();
      const log = recordingLogger();
      const p = createPipeline({ config: cfg, defender: def, telemetry: tel, logger: log });
      const ds = await Promise.all([p.submit(parseAction({ id: "o1", text: "a" })), p.submit(parseAction({ id: "o2", text: "b" })), p.submit(parseAction({ id: "o3", text: "c" }))]);
      assert.deepEqual(ds.map((d) => d.id), ["o1", "o2", "o3"]);
      assert.equal(ds[0]!.action, "allow");
      assert.equal(ds[1]!.action, "allow");
      assert.equal(ds[2]!.action, mode);
      assert.ok(ds[2]!.tags.includes("queue_overflow"));
      assert.ok(ds[2]!.reasons.some((r) => r.includes("runtime.max_queue")));
      assert.equal(tel.total("fail_mode", { reason: "queue_overflow", action: mode }), 1);
      assert.ok(log.lines.some((l) => l.level === "warn" && /queue full/.test(l.msg ?? "")));
      assert.equal(def.evaluated.length, 2);
      await p.stop();
    });
  }

  it("an overflowed action whose content is already known to be malicious is blocked, not reviewed", async () => {
    const cfg = config({ "runtime.worker_concurrency": 1, "runtime.max_queue": 1 });
    const def = await fakeDefender(cfg, { delayMs: () => 30 });
    const p = createPipeline({ config: cfg, defender: def });
    const ds = await Promise.all([p.submit(parseAction({ text: "a" })), p.submit(parseAction({ text: "b" })), p.submit(parseAction({ command: "rm -rf /", tool: "exec" }))]);
    assert.equal(ds[2]!.action, "block");
    assert.ok(ds[2]!.tags.includes("queue_overflow"));
    await p.stop();
    // The fail-mode block still leaves evidence: it is handed to the defender's record().
    assert.ok(def.recorded.some((r) => r.decision.action === "block" && r.decision.tags.includes("queue_overflow")));
  });

  it("audit_only turns a block fail mode into review", async () => {
    const cfg = config({ "runtime.worker_concurrency": 1, "runtime.max_queue": 1, "runtime.overflow_fail_mode": "block", "runtime.audit_only": true });
    const def = await fakeDefender(cfg, { delayMs: () => 30 });
    const p = createPipeline({ config: cfg, defender: def });
    const ds = await Promise.all([p.submit(parseAction({ text: "a" })), p.submit(parseAction({ text: "b" })), p.submit(parseAction({ text: "c" }))]);
    assert.equal(ds[2]!.action, "review");
    assert.ok(ds[2]!.tags.includes("audit_only"));
    await p.stop();
  });

  it("a flood of overflows is counted exactly but logged at most 20 times a second", async () => {
    const cfg = config({ "runtime.worker_concurrency": 1, "runtime.max_queue": 1 });
    const def = await fakeDefender(cfg, { delayMs: () => 50 });
    const tel = recordingTelemetry();
    const log = recordingLogger();
    const p = createPipeline({ config: cfg, defender: def, telemetry: tel, logger: log });
    const ds = await Promise.all(Array.from({ length: 100 }, (_, i) => p.submit(parseAction({ text: `flood ${i}` }))));
    assert.equal(ds.length, 100);
    assert.equal(tel.total("fail_mode", { reason: "queue_overflow" }), 98);
    const warns = log.lines.filter((l) => l.level === "warn" && /queue full/.test(l.msg ?? "")).length;
    assert.ok(warns >= 1 && warns <= 40, `${warns} warnings`);
    await p.stop();
  });
});

describe("timeout", () => {
  it("a slow provider: timeout_fail_mode decides in time; the late block is logged, counted and quarantined", async () => {
    const dir = tmpDir();
    const cfg = config({ "runtime.eval_timeout_ms": 100, "runtime.timeout_fail_mode": "review" }, dir);
    let finished = 0;
    const slow: FactProvider = {
      id: "slow",
      async collect() {
        await sleep(400); // ignores the abort signal on purpose
        finished++;
        return [{ ruleId: "vt.url.malicious", category: "reputation", score: 80, tag: "vt_malicious", message: "known bad" }];
      },
    };
    const qdir = path.join(dir, "q");
    const defender = createDefender({ config: cfg, engine: await createEngine(cfg), providers: [slow], quarantine: createQuarantine({ dir: qdir, maxRecords: 0, maxPayloadBytes: 65536 }) });
    const tel = recordingTelemetry();
    const log = recordingLogger();
    const p = createPipeline({ config: cfg, defender, telemetry: tel, logger: log });
    const d = await p.submit(parseAction({ id: "t1", url: "https://bad.example/payload" }));
    assert.equal(finished, 0, "answered before the slow lookup finished");
    assert.equal(d.id, "t1");
    assert.equal(d.action, "review");
    assert.ok(d.tags.includes("timeout"));
    assert.equal(tel.total("fail_mode", { reason: "timeout", action: "review" }), 1);
    await p.stop(); // waits for the late evaluation
    assert.equal(finished, 1);
    assert.equal(tel.total("late_decisions", { action: "block" }), 1);
    assert.ok(log.lines.some((l) => l.level === "warn" && /late evaluation.*block.*quarantined/.test(l.msg ?? "")), JSON.stringify(log.lines.map((l) => l.msg)));
    assert.ok(existsSync(qdir) && readdirSync(qdir).some((n) => n.includes("t1")), "the late block left a quarantine record");
  });

  it("timeout_fail_mode block", async () => {
    const cfg = config({ "runtime.eval_timeout_ms": 100, "runtime.timeout_fail_mode": "block" });
    const def = await fakeDefender(cfg, { delayMs: () => 300 });
    const p = createPipeline({ config: cfg, defender: def });
    const d = await p.submit(parseAction({ text: "hello" }));
    assert.equal(d.action, "block");
    assert.ok(d.tags.includes("timeout"));
    await p.stop();
  });

  it("the deadline covers the wait for a worker", async () => {
    const cfg = config({ "runtime.eval_timeout_ms": 100, "runtime.worker_concurrency": 1 });
    const def = await fakeDefender(cfg, { delayMs: (a) => (a.id === "busy" ? 300 : 0) });
    const p = createPipeline({ config: cfg, defender: def });
    const busy = p.submit(parseAction({ id: "busy", text: "slow" }));
    await sleep(5);
    const waiting = await p.submit(parseAction({ id: "waiting", text: "other session", sessionKey: "agent:main:x:dm:1" }));
    assert.ok(waiting.tags.includes("timeout"));
    assert.deepEqual(def.evaluated.map((e) => e.action.id), ["busy"], "answered while still waiting for the only worker");
    assert.ok((await busy).tags.includes("timeout"));
    await p.stop();
    assert.deepEqual(def.evaluated.map((e) => e.action.id), ["busy", "waiting"], "the waiting action is still evaluated late");
  });

  it("timed-out decisions are not cached", async () => {
    const cfg = config({ "runtime.eval_timeout_ms": 100 });
    const def = await fakeDefender(cfg, { delayMs: () => 150 });
    const p = createPipeline({ config: cfg, defender: def });
    assert.ok((await p.submit(parseAction({ text: "x" }))).tags.includes("timeout"));
    assert.equal(p.cache.size, 0, "the timeout answer is not cached");
    for (let i = 0; i < 200 && p.cache.size === 0; i++) await sleep(10);
    // The late evaluation finished and was cached; it is a real decision, not the timeout answer.
    const again = await p.submit(parseAction({ text: "x" }));
    assert.ok(!again.tags.includes("timeout"));
    await p.stop();
  });
});

describe("stop and sinks", () => {
  it("stop waits for running work; submits after stop are decided (tagged stopped)", async () => {
    const cfg = config();
    const def = await fakeDefender(cfg, { delayMs: () => 30 });
    const p = createPipeline({ config: cfg, defender: def });
    const pending = p.submit(parseAction({ text: "a" }));
    await p.stop();
    assert.equal((await pending).action, "allow");
    const late = await p.submit(parseAction({ text: "b" }));
    assert.ok(late.tags.includes("stopped"));
  });

  it("decisions made without the defender reach the pipeline sinks", async () => {
    const cfg = config({ "runtime.session_queue_mode": "collect" });
    const def = await fakeDefender(cfg, { delayMs: () => 10 });
    const p = createPipeline({ config: cfg, defender: def });
    const seen: string[] = [];
    p.addSink({ id: "t", record: (_a, d) => void seen.push(`${d.id}:${d.tags.filter((t) => /hit|merged/.test(t)).join("+")}`) });
    const S = "agent:main:x:dm:9";
    await Promise.all([p.submit(parseAction({ text: "a", sessionKey: S })), p.submit(parseAction({ id: "m1", text: "b", sessionKey: S })), p.submit(parseAction({ id: "m2", text: "c", sessionKey: S }))]);
    await p.submit(parseAction({ id: "h", text: "a", sessionKey: S }));
    await sleep(5);
    assert.deepEqual(seen.sort(), ["h:idempotency_hit", "m1:merged_into:m2"]);
    await p.stop();
  });
});

describe("memory sampler", () => {
  it("reports RSS and heap gauges at start and on each interval", () => {
    const tel = recordingTelemetry();
    const s = startMemorySampler({ intervalSecs: 60, telemetry: tel });
    assert.ok((tel.gauges.get("memory_rss_bytes") ?? 0) > 0);
    assert.ok((tel.gauges.get("memory_heap_used_bytes") ?? 0) > 0);
    s.stop();
  });
});
