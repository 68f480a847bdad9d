// Engine throughput and latency per input class and for a realistic mix, on one core.
import { loadConfig } from "../../src/config/load.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/index.ts";
import { measure, type Row } from "../lib.ts";
import { longDocuments, realisticMix, shellCommands, shortMessages, toolOutputs, urls } from "./inputs.ts";
import os from "node:os";

export async function benchEngine(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const engine = await createEngine(loadConfig({ cwd: os.tmpdir(), env: {} }));
  const run = (inputs: Record<string, unknown>[]) => measure(inputs, (x) => engine.evaluate(parseAction(x)), { minMs: opts.quick ? 400 : 2000, warmupMs: opts.quick ? 300 : 3000 });
  const rows: Row[] = [];
  const classes: [string, Record<string, unknown>[]][] = [
    ["short chat message", shortMessages()],
    ["long document (50 KB)", longDocuments()],
    ["tool output (1.3 KB)", toolOutputs()],
    ["shell command", shellCommands()],
    ["URL", urls()],
  ];
  for (const [name, inputs] of classes) {
    const m = run(inputs);
    rows.push({ suite: "engine", name, n: m.n, opsPerSec: m.opsPerSec, p50Ms: m.p50Ms, p99Ms: m.p99Ms });
  }
  const mix = realisticMix();
  const m = run(mix.inputs);
  rows.push({ suite: "engine", name: "realistic mix", n: m.n, opsPerSec: m.opsPerSec, p50Ms: m.p50Ms, p99Ms: m.p99Ms, extra: { source: mix.source, coldFirstPassPerSec: Math.round(m.coldOpsPerSec) }, target: "≥ 20,000/s, p99 ≤ 1 ms", met: m.opsPerSec >= 20_000 && m.p99Ms <= 1 });
  return rows;
}
