// Where a Gateway's extra time per agent turn goes when it hosts a plugin (issue 8: "profile and say
// what limits it"). Starts a plain Gateway and one hosting a plugin (default: the control plugin in
// ./noop-plugin; pass the ClawShield package folder and id "clawshield" to profile ClawShield), each
// under `node --cpu-prof`, runs the same turns on both (`RUN: echo hi`), and compares the main
// thread's samples taken during the measured turns only: functions by inclusive and self time per
// turn, largest increase first. Profiling slows turns ~2x, so read the figures as shares, not ms.
//
//   node bench/plugin/profile-hosting.ts [--turns 40] [--plugin DIR --id ID] [--out DIR]

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { connectOperator, runTurn, startFakeLlm, startGateway } from "../../test/e2e/harness/index.ts";
import { median } from "../lib.ts";

const { values } = parseArgs({ options: { turns: { type: "string", default: "40" }, plugin: { type: "string" }, id: { type: "string" }, out: { type: "string" }, top: { type: "string", default: "25" } } });
const TURNS = Number(values.turns);
const pluginFolder = values.plugin ?? path.join(import.meta.dirname, "noop-plugin");
const pluginId = values.id ?? "clawshield-bench-noop";
/**
 * Frames of the hosted plugin's own code and its dependencies: OpenClaw runs a captured, compiled
 * copy of a plugin package (`<state>/tmp/plugin-captures/…/package-<n>/…`), not the folder it loaded.
 */
const PLUGIN_CODE = /\/plugin-captures\/.*\/package-\d+\//;
const out = values.out ?? mkdtempSync(path.join(os.tmpdir(), "clawshield-profile-hosting-"));

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive µs per function (name, file, line) of samples inside [t0, t1] (µs, monotonic). */
function aggregate(p: CpuProfile, t0: number, t1: number): { self: Map<string, number>; incl: Map<string, number>; pluginSelf: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || "(anonymous)"} ${f.url.replace(/.*\//, "")}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const isPluginFrame = (id: number): boolean => PLUGIN_CODE.test(byId.get(id)!.callFrame.url);
  let pluginSelf = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    if (t < t0 || t > t1) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const leaf = p.samples[i]!;
    self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt);
    if (isPluginFrame(leaf)) pluginSelf += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const k = key(id);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
  return { self, incl, pluginSelf };
}

/** The Gateway main thread's profile: thread 0 of the process that wrote the largest profile. */
function mainThreadProfile(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((f) => /\.0\.001\.cpuprofile$/.test(f));
  const sized = files.map((f) => ({ f, size: readFileSync(path.join(dir, f)).length })).sort((a, b) => b.size - a.size);
  if (sized.length === 0) throw new Error(`no main-thread profile in ${dir}`);
  return JSON.parse(readFileSync(path.join(dir, sized[0]!.f), "utf8")) as CpuProfile;
}

const result: Record<string, { self: Map<string, number>; incl: Map<string, number>; pluginSelf: number; medianMs: number }> = {};
for (const side of ["plain", "plugin"] as const) {
  const dir = path.join(out, side);
  mkdirSync(dir, { recursive: true });
  const llm = await startFakeLlm();
  const gw = await startGateway({
    llm,
    execMode: "full",
    readyTimeoutMs: 180_000,
    env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=200` },
    ...(side === "plugin" ? { pluginPaths: [pluginFolder], pluginEntries: { [pluginId]: { enabled: true, ...(pluginId === "clawshield" ? { config: { stateDir: path.join(out, "clawshield-state") } } : {}) } } } : {}),
  });
  let window: [number, number] = [0, 0];
  const ms: number[] = [];
  try {
    const op = await connectOperator({ url: gw.url, token: gw.token });
    const turn = async (n: number): Promise<number> => {
      const r = await runTurn(op, { sessionKey: `profile-${side}-${n}`, message: "RUN: echo hi", timeoutMs: 120_000 });
      if (r.state !== "final") throw new Error(`${side} turn ended ${r.state}: ${r.text.slice(0, 200)}`);
      return r.durationMs;
    };
    for (let i = 0; i < 5; i++) await turn(i);
    // V8's profiler clock and process.hrtime are both the monotonic clock (µs vs ns).
    const t0 = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < TURNS; i++) ms.push(await turn(100 + i));
    window = [t0, Number(process.hrtime.bigint() / 1000n)];
    await op.close();
  } finally {
    await gw.stop(); // the profile is written when the Gateway exits
    await llm.close();
  }
  result[side] = { ...aggregate(mainThreadProfile(dir), ...window), medianMs: median(ms) };
}

const top = Number(values.top);
const perTurn = (us: number | undefined): number => (us ?? 0) / TURNS / 1000;
console.log(`median turn under the profiler: plain ${result.plain!.medianMs} ms, with ${pluginId} ${result.plugin!.medianMs} ms (${TURNS} turns each)`);
console.log(`main-thread CPU in ${pluginId}'s own code and dependencies (self time): ${perTurn(result.plugin!.pluginSelf).toFixed(2)} ms per turn`);
for (const kind of ["incl", "self"] as const) {
  const a = result.plain![kind];
  const b = result.plugin![kind];
  const rows = [...new Set([...a.keys(), ...b.keys()])].map((k) => ({ k, plain: perTurn(a.get(k)), plugin: perTurn(b.get(k)) }));
  console.log(`\n${kind === "incl" ? "inclusive" : "self"} ms per turn, largest increase first (+diff  plain  plugin  function file:line)`);
  for (const r of rows.sort((x, y) => y.plugin - y.plain - (x.plugin - x.plain)).slice(0, top)) {
    console.log(`${(r.plugin - r.plain).toFixed(2).padStart(7)} ${r.plain.toFixed(2).padStart(7)} ${r.plugin.toFixed(2).padStart(7)}  ${r.k}`);
  }
}
if (values.out === undefined) rmSync(out, { recursive: true, force: true });
