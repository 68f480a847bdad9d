// Plugin overhead on the REAL OpenClaw Gateway (issue 8 item 4): agent turns with and without the
// ClawShield plugin against the scripted fake model (test/e2e/harness). Each round starts three
// Gateways from the same openclaw package and config: one plain, one hosting ClawShield
// (plugins.load.paths + entries.clawshield, as in test/e2e/plugin.test.ts) and one hosting a
// control plugin (bench/plugin/noop-plugin: ClawShield's four hooks, empty). Each turn is
// `RUN: echo hi` in a fresh session: the model calls `exec`, the Gateway runs it (the plugin's
// before_tool_call decides first), the model answers with the tool result.
//
// Fairness: two identical plain Gateways measured this way differ by ~2 % (an A/A run), so nothing
// may always favour one side. Every side gets its own fake model; in each of three rounds a
// different side is started first (its model server created and its operator connected first), and
// turns rotate through all six orders of the three sides. The target is the ratio of medians
// (ClawShield / plain) over all rounds; the control's ratio is what the Gateway itself adds for
// hosting a plugin with these hooks, and ClawShield / control is ClawShield's own share.
// The plugin's decision ring (clawshield.decisions) is read at the end to show it decided every
// exec of the measured turns.

import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { median, percentile, type Row } from "../lib.ts";
import { connectOperator, runTurn, startFakeLlm, startGateway, type FakeLlmHandle, type GatewayHandle, type OperatorClient } from "../../test/e2e/harness/index.ts";
import { pluginDir, startGatewayWithPlugin, type PluginDir } from "../../test/e2e/plugin-helpers.ts";

const TARGET_RATIO = 1.05;
const TURN_TIMEOUT_MS = 120_000;
const NOOP_PLUGIN_DIR = path.join(import.meta.dirname, "noop-plugin");


type Side = "plain" | "noop" | "clawshield";
const SIDES: readonly Side[] = ["plain", "noop", "clawshield"];
/** All six orders of the three sides: over six turns each side runs first, second and third twice. */
const ORDERS: readonly (readonly Side[])[] = [
  ["plain", "noop", "clawshield"],
  ["clawshield", "plain", "noop"],
  ["noop", "clawshield", "plain"],
  ["clawshield", "noop", "plain"],
  ["plain", "clawshield", "noop"],
  ["noop", "plain", "clawshield"],
];

interface RoundResult {
  readonly ms: Record<Side, number[]>;
  readonly startOrder: readonly Side[];
  readonly pluginDecisions: number | string;
  readonly hookMs: Record<string, { medianMs: number; maxMs: number }>;
  readonly req: Record<Side, { bytes: number; tools: number; calls: number }>;
}

interface SideState {
  llm?: FakeLlmHandle;
  gw?: GatewayHandle;
  op?: OperatorClient;
  readonly ms: number[];
}

/**
 * One round: three fresh Gateways started in `startOrder` (each with its own fake model, created in
 * the same order, and operator connections made in the same order), warm-up, then `iterations`
 * passes through the six turn orders.
 */
async function round(index: number, iterations: number, warmup: number, startOrder: readonly Side[]): Promise<RoundResult> {
  const sides: Record<Side, SideState> = { plain: { ms: [] }, noop: { ms: [] }, clawshield: { ms: [] } };
  let plugin: PluginDir | undefined;
  const stateDir = `${os.tmpdir()}/clawshield-bench-plugin-state-${process.pid}-${index}`;
  try {
    plugin = pluginDir();
    for (const side of startOrder) sides[side].llm = await startFakeLlm();
    // Started one after the other (a start takes 10-60 s on a loaded 2-core box).
    for (const side of startOrder) {
      const llm = sides[side].llm!;
      if (side === "plain") sides.plain.gw = await startGateway({ llm, execMode: "full", readyTimeoutMs: 180_000 });
      else if (side === "noop") sides.noop.gw = await startGateway({ llm, execMode: "full", pluginPaths: [NOOP_PLUGIN_DIR], pluginEntries: { "clawshield-bench-noop": { enabled: true } }, readyTimeoutMs: 180_000 });
      else
        sides.clawshield.gw = await startGatewayWithPlugin({
          llm,
          execMode: "full",
          pluginPaths: [plugin.dir],
          pluginEntries: { clawshield: { enabled: true, config: { stateDir } } },
          readyTimeoutMs: 180_000,
        });
    }
    await sides.noop.gw!.waitForLog(/\[clawshield-bench-noop\] registered/, 20_000);
    for (const side of startOrder) sides[side].op = await connectOperator({ url: sides[side].gw!.url, token: sides[side].gw!.token });
    let n = 0;
    const turn = async (side: Side, record: boolean): Promise<void> => {
      const r = await runTurn(sides[side].op!, { sessionKey: `bench-${index}-${n++}-${side}`, message: "RUN: echo hi", timeoutMs: TURN_TIMEOUT_MS });
      if (r.state !== "final" || !/hi/.test(r.text)) throw new Error(`plugin bench: ${side} turn ended ${r.state}: ${r.text.slice(0, 200)}`);
      if (record) sides[side].ms.push(r.durationMs);
    };
    for (let i = 0; i < warmup; i++) for (const side of ORDERS[i % ORDERS.length]!) await turn(side, false);
    for (const side of SIDES) sides[side].llm!.requests.length = 0;
    for (let i = 0; i < iterations; i++) for (const side of ORDERS[i % ORDERS.length]!) await turn(side, true);
    // The plugin decided the exec of every measured turn (its hook-liveness ring).
    let pluginDecisions: number | string = "unknown";
    // Wall time the Gateway spent inside the plugin's hooks (recent calls): the overhead measured
    // from the inside, free of the noise between two Gateways.
    let hookMs: Record<string, { medianMs: number; maxMs: number }> = {};
    try {
      const res = (await sides.clawshield.op!.request("clawshield.decisions", { since: 0, limit: 500 })) as { decisions?: unknown[]; hookMs?: Record<string, { medianMs: number; maxMs: number }> };
      pluginDecisions = Array.isArray(res?.decisions) ? res.decisions.length : 0;
      hookMs = res?.hookMs ?? {};
    } catch (e) {
      pluginDecisions = `error: ${(e as Error).message}`;
    }
    // Model requests of the measured turns: body size and tools offered (what the Gateway sends).
    const reqInfo = (h: FakeLlmHandle): { bytes: number; tools: number; calls: number } => {
      const rs = h.requests.filter((r) => r.path.includes("/chat/completions") || r.path.includes("/responses"));
      return { bytes: median(rs.map((r) => JSON.stringify(r.body ?? {}).length)), tools: median(rs.map((r) => r.tools.length)), calls: rs.length };
    };
    return {
      ms: { plain: sides.plain.ms, noop: sides.noop.ms, clawshield: sides.clawshield.ms },
      startOrder,
      pluginDecisions,
      hookMs,
      req: { plain: reqInfo(sides.plain.llm!), noop: reqInfo(sides.noop.llm!), clawshield: reqInfo(sides.clawshield.llm!) },
    };
  } finally {
    for (const side of SIDES) await sides[side].op?.close().catch(() => undefined);
    for (const side of SIDES) await sides[side].gw?.stop().catch(() => undefined);
    for (const side of SIDES) await sides[side].llm?.close().catch(() => undefined);
    plugin?.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export async function benchPlugin(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const quick = opts.quick ?? false;
  // Passes through the six turn orders per round (each pass is one turn per side).
  const iterations = quick ? 6 : 18;
  const warmup = quick ? 2 : 3;
  const load0 = os.loadavg()[0]!;
  // Three rounds of fresh Gateways; each side is started first in one of them.
  // The first three turn orders start each side first once.
  const rounds: RoundResult[] = [];
  for (const [i, order] of ORDERS.slice(0, 3).entries()) rounds.push(await round(i, iterations, warmup, order));
  const all = (side: Side): number[] => rounds.flatMap((r) => r.ms[side]);
  const a = all("plain");
  const b = all("clawshield");
  const c = all("noop");
  const ratio = median(b) / median(a);
  const noopRatio = median(c) / median(a);
  const ownRatio = median(b) / median(c);
  const roundRatios = rounds.map((r) => `${Number((median(r.ms.clawshield) / median(r.ms.plain)).toFixed(3))} (${r.startOrder[0]} first)`);
  const load1 = os.loadavg()[0]!;
  const row = (name: string, xs: number[]): Row => {
    const s = [...xs].sort((x, y) => x - y);
    return {
      suite: "plugin",
      name,
      n: xs.length,
      opsPerSec: 1000 / median(xs),
      p50Ms: median(xs),
      p99Ms: percentile(s, 99),
      extra: { p25Ms: Math.round(percentile(s, 25)), p75Ms: Math.round(percentile(s, 75)), minMs: Math.round(s[0] ?? Number.NaN) },
    };
  };
  const last = rounds[rounds.length - 1]!;
  return [
    row("agent turn (RUN: echo hi), no plugin", a),
    row("agent turn (RUN: echo hi), control plugin (4 empty hooks)", c),
    row("agent turn (RUN: echo hi), ClawShield plugin", b),
    {
      suite: "plugin",
      name: "plugin overhead: ratio of medians",
      n: a.length + b.length,
      extra: {
        ratio: Number(ratio.toFixed(3)),
        roundRatios: roundRatios.join(" / "),
        addedMs: Math.round(median(b) - median(a)),
        controlRatio: Number(noopRatio.toFixed(3)),
        clawshieldOverControl: Number(ownRatio.toFixed(3)),
        pluginDecisions: rounds.map((r) => String(r.pluginDecisions)).join(" / "),
        ...Object.fromEntries(Object.entries(last.hookMs).map(([k, v]) => [`${k}MedianMs`, v.medianMs])),
        modelCalls: rounds.map((r) => `${r.req.plain.calls} / ${r.req.noop.calls} / ${r.req.clawshield.calls}`).join(", "),
        promptBytesMedian: `${last.req.plain.bytes} / ${last.req.noop.bytes} / ${last.req.clawshield.bytes}`,
        toolsOffered: `${last.req.plain.tools} / ${last.req.noop.tools} / ${last.req.clawshield.tools}`,
        loadavg1Start: Number(load0.toFixed(2)),
        loadavg1End: Number(load1.toFixed(2)),
      },
      target: `≤ ${TARGET_RATIO} (adds ≤ 5%)`,
      met: ratio <= TARGET_RATIO,
    },
  ];
}
