// `npm run bench [-- --quick] [--only engine,scaling,vard,sidecar,plugin] [--json reports/bench.json]`
// Runs the benchmark suites, prints a table and writes JSON. Separate from `npm test`: speed and
// memory targets live here, never in timed unit tests.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchEngine } from "./engine/evaluate.bench.ts";
import { benchScaling } from "./engine/scaling.bench.ts";
import { benchVard } from "./engine/vard.bench.ts";
import { fmt, machine, REPO, type Row } from "./lib.ts";
import { EXTRA_SUITES } from "./suites.ts";

type Suite = (opts: { quick?: boolean }) => Promise<Row[]>;

/** Suites by name; sidecar and plugin suites are registered in bench/suites.ts. */
function suites(): Record<string, Suite> {
  return { engine: benchEngine, scaling: benchScaling, vard: benchVard, ...EXTRA_SUITES };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" }, json: { type: "string" } } });
  const all = suites();
  const names = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(all);
  const rows: Row[] = [];
  for (const name of names) {
    const suite = all[name];
    if (!suite) {
      console.error(`unknown suite ${name}; known: ${Object.keys(all).join(", ")}`);
      process.exitCode = 2;
      return;
    }
    console.error(`running ${name}…`);
    rows.push(...(await suite({ quick: values.quick ?? false })));
  }
  const m = machine();
  console.log(`\nmachine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}, ${m.os} ${m.arch}\n`);
  console.log("| suite | case | ops/s | p50 ms | p99 ms | details | target | met |");
  console.log("|---|---|---:|---:|---:|---|---|---|");
  for (const r of rows) {
    const extra = r.extra ? Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(", ") : "";
    console.log(`| ${r.suite} | ${r.name} | ${fmt(r.opsPerSec, 0)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${extra} | ${r.target ?? ""} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`);
  }
  const out = values.json ?? path.join(REPO, "reports/bench.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, rows }, null, 2)}\n`);
  console.error(`\nwrote ${out}`);
}

await main();
