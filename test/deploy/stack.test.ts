// `npm run stack:test` inside `npm test`: the four-part topology as plain processes on 127.0.0.1 —
// the real OpenClaw Gateway with the ClawShield plugin, `clawshield start` as approval authority, the
// producer (fake model + every scenario of deploy/stack/scenarios.json + scripted human) and the
// assertor. One Gateway for all scenarios (it takes 10-16 s to start). Skips, naming the missing
// piece, when a component is not in the tree (STACK_REQUIRE=1 turns that into a failure).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runStack } from "../../scripts/stack.ts";

test("full stack: Gateway + ClawShield + producer + assertor on loopback", { timeout: 450_000 }, async (t) => {
  const lines: string[] = [];
  const r = await runStack({ timeoutMs: 420_000, printVerdict: false, keep: process.env.STACK_KEEP === "1", log: (s) => lines.push(s) });
  if (r.skipped) {
    t.skip(r.skipped);
    return;
  }
  const failures = (r.verdict?.checks ?? []).filter((c) => !c.ok).map((c) => `${c.scenario} / ${c.check}: ${c.detail}`);
  t.diagnostic(`stack run: ${(r.durationMs / 1000).toFixed(1)} s ${JSON.stringify(r.timings)}; ${r.verdict?.checks.length ?? 0} checks`);
  assert.equal(r.exitCode, 0, `assertor verdict: exit ${r.exitCode}\n${failures.join("\n")}\n--- runner log ---\n${lines.join("\n").slice(-12_000)}`);
  assert.ok(r.verdict?.ok);
});
