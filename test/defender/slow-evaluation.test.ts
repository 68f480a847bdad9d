// A slow evaluation is decided as usual but never silently: tagged, logged with its slowest
// detector, and counted (clawshield_slow_evaluations_total{detector}).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildConfig } from "../../src/config/load.ts";
import { createDefender } from "../../src/defender/defender.ts";
import type { Logger, Telemetry } from "../../src/defender/types.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/engine/engine.ts";
import type { Detector } from "../../src/engine/types.ts";

/** A clock the detectors advance, so "slow" needs no real waiting. */
function setup(slowEvalMs: number) {
  let t = 1_000;
  const config = buildConfig(`[runtime]\nslow_eval_ms = ${slowEvalMs}\n`, { env: {}, cwd: "/" });
  const fast: Detector = { id: "fast", detect: () => { t += 2; return []; } };
  const slow: Detector = { id: "sluggish", detect: () => { t += 300; return [{ ruleId: "x.rule", category: "x", score: 40, tag: "x", message: "x" }]; } };
  const engine = createEngine({ config, detectors: [fast, slow, fast], version: "t", now: () => t });
  const warned: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const counted: { name: string; labels: Readonly<Record<string, string>> | undefined }[] = [];
  const noop = (): void => {};
  const logger: Logger = { trace: noop, debug: noop, info: noop, error: noop, warn: (obj, msg) => warned.push({ obj: obj as Record<string, unknown>, msg }) };
  const telemetry: Telemetry = { count: (name, labels) => counted.push({ name, labels }), observe: noop, gauge: noop };
  return { defender: createDefender({ config, engine, logger, telemetry }), warned, counted };
}

describe("slow evaluations (runtime.slow_eval_ms)", () => {
  it("tags, logs and counts an evaluation at or over the threshold, naming the slowest detector", async () => {
    const { defender, warned, counted } = setup(250);
    const d = await defender.evaluate(parseAction({ id: "s1", tool: "exec", command: "echo hi" }));
    assert.equal(d.action, "review", "decided as usual");
    assert.ok(d.tags.includes("slow_evaluation"));
    assert.deepEqual(d.timing.slowest, { detector: "sluggish", ms: 300 });
    assert.equal(d.timing.durationMs, 304);
    const w = warned.find((x) => x.obj.code === "CS_SLOW_EVALUATION");
    assert.ok(w, "logged at warn");
    assert.equal(w.obj.actionId, "s1");
    assert.equal(w.obj.chars, "echo hi".length);
    assert.match(w.msg ?? "", /304 ms .*sluggish/);
    assert.deepEqual(counted.filter((c) => c.name === "slow_evaluations"), [{ name: "slow_evaluations", labels: { detector: "sluggish" } }]);
  });

  it("leaves a normal evaluation untouched", async () => {
    const { defender, warned, counted } = setup(1000);
    const d = await defender.evaluate(parseAction({ tool: "exec", command: "echo hi" }));
    assert.ok(!d.tags.includes("slow_evaluation"));
    assert.equal(d.timing.slowest, undefined);
    assert.equal(warned.length, 0);
    assert.equal(counted.filter((c) => c.name === "slow_evaluations").length, 0);
  });

  it("defaults to 250 ms", () => {
    assert.equal(buildConfig("", { env: {}, cwd: "/" }).runtime.slow_eval_ms, 250);
  });
});
