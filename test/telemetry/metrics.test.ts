import assert from "node:assert/strict";
import { test } from "node:test";
import { createMetrics, sanitizeMetricName } from "../../src/telemetry/metrics.ts";

test("counters are clawshield_<name>_total, histograms and gauges clawshield_<name>", async () => {
  const m = createMetrics({ defaultMetrics: false });
  m.count("decisions", { action: "block", channel: "discord" });
  m.count("decisions", { action: "block", channel: "discord" }, 2);
  m.observe("eval_seconds", 0.002);
  m.gauge("queue_depth", 7);
  const text = await m.render();
  assert.match(text, /^clawshield_decisions_total\{action="block",channel="discord"\} 3$/m);
  assert.match(text, /^clawshield_eval_seconds_bucket\{le="0\.0025"\} 1$/m);
  assert.match(text, /^clawshield_eval_seconds_count 1$/m);
  assert.match(text, /^clawshield_queue_depth 7$/m);
});

test("label sets that differ from the first use do not throw", async () => {
  const m = createMetrics({ defaultMetrics: false });
  m.count("fail_mode", { reason: "timeout", action: "review" });
  m.count("fail_mode", { reason: "queue_overflow" });
  m.count("fail_mode", { reason: "timeout", action: "review", extra: "x" });
  const text = await m.render();
  assert.match(text, /clawshield_fail_mode_total\{action="review",reason="timeout"\} 2/);
  assert.match(text, /clawshield_fail_mode_total\{action="",reason="queue_overflow"\} 1/);
});

test("label cardinality is bounded (attacker-chosen channel names fold into _other)", async () => {
  const m = createMetrics({ defaultMetrics: false, maxSeriesPerMetric: 3 });
  for (let i = 0; i < 50; i++) m.count("decisions", { action: "allow", channel: `ch${i}` });
  const text = await m.render();
  const lines = text.split("\n").filter((l) => l.startsWith("clawshield_decisions_total{"));
  assert.equal(lines.length, 4);
  assert.match(text, /clawshield_decisions_total\{action="_other",channel="_other"\} 47/);
});

test("default metrics include RSS; names are sanitized; same name as two types does not collide", async () => {
  const m = createMetrics();
  m.count("weird name-1");
  m.gauge("weird name-1", 1);
  m.count("x", undefined, Number.NaN);
  let called = 0;
  m.onCollect(() => {
    called++;
    m.gauge("gateway_connected", 0);
  });
  m.onCollect(() => {
    throw new Error("collector bug");
  });
  const text = await m.render();
  assert.match(text, /^process_resident_memory_bytes \d+/m);
  assert.match(text, /^clawshield_weird_name_1_total 1$/m);
  assert.match(text, /^clawshield_weird_name_1 1$/m);
  assert.match(text, /^clawshield_gateway_connected 0$/m);
  assert.equal(called, 1);
  assert.equal(sanitizeMetricName("1abc"), "_1abc");
  assert.match(m.contentType, /text\/plain/);
});
