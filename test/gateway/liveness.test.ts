// Hook-liveness guard against a fake plugin method (the plugin-side contract in liveness.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ABSENT_PROBE_MS, createLivenessGuard, type PluginDecisionRecord } from "../../src/gateway/liveness.ts";
import { memoryLogger, testConfig } from "./helpers.ts";

function fakePlugin(loaded = true) {
  const decisions: PluginDecisionRecord[] = [];
  let seq = 0;
  const calls: unknown[] = [];
  return {
    decisions,
    calls,
    record(d: Omit<PluginDecisionRecord, "seq">) {
      decisions.push({ ...d, seq: ++seq });
    },
    async request(method: string, params: unknown): Promise<unknown> {
      calls.push({ method, params });
      if (!loaded || method !== "clawshield.decisions") throw new Error(`unknown method: ${method}`);
      const since = (params as { since?: number }).since ?? 0;
      return { v: 1, instanceId: "i1", seq, decisions: decisions.filter((d) => d.seq > since), stats: { decisions: { allow: 3, review: 1, block: 2 }, failClosed: 0, approvals: { requested: 1, cancelled: 1 }, outbound: { redacted: 4, cancelled: 0 }, taintBlocks: 1, note: "ignored" } };
    },
  };
}

test("a tool call with a plugin decision is guarded; one without raises unguarded_tool_call", async () => {
  let now = 1000;
  const plugin = fakePlugin();
  const counts: string[] = [];
  const logger = memoryLogger();
  const g = createLivenessGuard({
    config: testConfig("/tmp/cs-liveness", { "gateway.liveness_grace_ms": 500 }),
    request: (m, p) => plugin.request(m, p),
    logger,
    telemetry: { count: (n) => counts.push(n), observe() {}, gauge() {} },
    now: () => now,
  });
  g.setPluginLoaded(true);
  plugin.record({ runId: "r1", toolCallId: "c1", toolName: "exec", action: "allow" });
  g.observeToolStart({ runId: "r1", toolCallId: "c1", tool: "exec" });
  g.observeToolStart({ runId: "r1", toolCallId: "c2", tool: "write", sessionKey: "agent:main:x" });
  await g.check();
  assert.equal(g.alerts, 0);
  assert.equal(g.pending, 1);
  now += 600;
  await g.check();
  assert.equal(g.alerts, 1);
  assert.deepEqual(counts, ["unguarded_tool_call"]);
  assert.ok(logger.lines.some((l) => l.level === "warn" && l.obj.alert === "unguarded_tool_call" && l.obj.toolCallId === "c2"));
  g.stop();
});

test("a plugin-blocked result and an indirect Tool-Search decision count as guarded", async () => {
  let now = 0;
  const plugin = fakePlugin();
  const g = createLivenessGuard({ config: testConfig("/tmp/cs-liveness", { "gateway.liveness_grace_ms": 200 }), request: (m, p) => plugin.request(m, p), now: () => now });
  g.setPluginLoaded(true);
  g.observeToolStart({ runId: "r", toolCallId: "blocked", tool: "exec" });
  g.observeToolResult({ runId: "r", toolCallId: "blocked", deniedReason: "plugin-before-tool-call" });
  plugin.record({ runId: "r", toolCallId: "tool_search_code:outer1:exec:1", toolName: "exec", action: "block" });
  g.observeToolStart({ runId: "r", toolCallId: "outer1", tool: "tool_call" });
  now = 1000;
  await g.check();
  assert.equal(g.alerts, 0);
  g.stop();
});

test("expect_plugin: auto stays quiet without the plugin; always alerts; never does nothing", async () => {
  for (const [mode, want] of [["auto", 0], ["always", 1], ["never", 0]] as const) {
    let now = 0;
    const plugin = fakePlugin(false);
    const g = createLivenessGuard({ config: testConfig("/tmp/cs-liveness", { "gateway.expect_plugin": mode, "gateway.liveness_grace_ms": 200 }), request: (m, p) => plugin.request(m, p), now: () => now });
    g.observeToolStart({ runId: "r", toolCallId: "c", tool: "exec" });
    now = 1000;
    await g.check();
    assert.equal(g.alerts, want, mode);
    assert.equal(g.pluginLoaded, false);
    g.stop();
  }
});

test("a plugin found absent is asked again once a minute, not on every tool call", async () => {
  let now = 0;
  const plugin = fakePlugin(false);
  const g = createLivenessGuard({ config: testConfig("/tmp/cs-liveness", { "gateway.liveness_grace_ms": 200 }), request: (m, p) => plugin.request(m, p), now: () => now });
  g.setPluginLoaded(false); // plugins.list at hello: not loaded
  for (let i = 0; i < 50; i++) {
    g.observeToolStart({ runId: "r", toolCallId: `c${i}`, tool: "exec" });
    now += 1000;
    await g.check();
  }
  assert.equal(plugin.calls.length, 0, "no unknown-method calls within the minute");
  assert.equal(g.pending, 0, "auto mode keeps nothing while the plugin is known absent");
  now += ABSENT_PROBE_MS;
  g.observeToolStart({ runId: "r", toolCallId: "late", tool: "exec" });
  await g.check();
  await g.check();
  assert.equal(plugin.calls.length, 1, "one probe after a minute, then quiet again");
  g.stop();
  // expect_plugin = always still tracks every call (each becomes a plugin_not_loaded alert).
  const always = createLivenessGuard({ config: testConfig("/tmp/cs-liveness", { "gateway.expect_plugin": "always", "gateway.liveness_grace_ms": 200 }), request: (m, p) => plugin.request(m, p), now: () => now });
  always.setPluginLoaded(false);
  always.observeToolStart({ runId: "r", toolCallId: "x", tool: "exec" });
  now += 1000;
  await always.check();
  assert.equal(always.alerts, 1);
  always.stop();
});

test("a new plugin instanceId resets the cursor", async () => {
  let now = 0;
  let instance = "a";
  const seen: number[] = [];
  const g = createLivenessGuard({
    config: testConfig("/tmp/cs-liveness", { "gateway.liveness_grace_ms": 200 }),
    now: () => now,
    request: async (_m, p) => {
      seen.push((p as { since: number }).since);
      return instance === "a" ? { instanceId: "a", seq: 5, decisions: [{ seq: 5, runId: "r", toolCallId: "c1" }] } : { instanceId: "b", seq: 1, decisions: [{ seq: 1, runId: "r", toolCallId: "c2" }] };
    },
  });
  g.setPluginLoaded(true);
  g.observeToolStart({ runId: "r", toolCallId: "c1", tool: "exec" });
  await g.check();
  instance = "b";
  g.observeToolStart({ runId: "r", toolCallId: "c2", tool: "exec" });
  await g.check();
  now = 1000;
  await g.check();
  assert.equal(g.alerts, 0);
  assert.deepEqual(seen.slice(0, 2), [0, 5]);
  g.stop();
});

test("the plugin's counters (stats in its answer) become gauges on the sidecar's metrics", async () => {
  const plugin = fakePlugin();
  const gauges: string[] = [];
  const g = createLivenessGuard({
    config: testConfig("/tmp/cs-liveness", { "gateway.liveness_grace_ms": 200 }),
    request: (m, p) => plugin.request(m, p),
    telemetry: { count() {}, observe() {}, gauge: (n, v, l) => gauges.push(`${n}${l ? `{${Object.entries(l).map(([k, x]) => `${k}=${x}`).join(",")}}` : ""} ${v}`) },
  });
  g.setPluginLoaded(true);
  g.observeToolStart({ runId: "r", toolCallId: "c", tool: "exec" });
  await g.check();
  g.stop();
  assert.ok(gauges.includes("plugin_outbound{kind=redacted} 4"), gauges.join("\n"));
  assert.ok(gauges.includes("plugin_approvals{kind=cancelled} 1"));
  assert.ok(gauges.includes("plugin_decisions{kind=block} 2"));
  assert.ok(gauges.includes("plugin_fail_closed 0"));
  assert.ok(gauges.includes("plugin_taint_blocks 1"));
  assert.equal(gauges.some((x) => x.includes("note")), false, "non-numbers are skipped");
});
