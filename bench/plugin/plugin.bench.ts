// Plugin overhead on the REAL OpenClaw Gateway (issue 8 item 4): agent turns with and without the
// ClawShield plugin against the scripted fake model (test/e2e/harness). Two gateways from the same
// openclaw package and config, one with the plugin loaded (plugins.load.paths + entries.clawshield,
// as in test/e2e/plugin.test.ts), one without. Each turn is `RUN: echo hi` in a fresh session: the
// model calls `exec`, the Gateway runs it (the plugin's before_tool_call decides first), the model
// answers with the tool result. After warm-up turns on both, turns alternate in ABBA order so drift
// from the shared machine's load hits both sides alike. Two rounds of fresh Gateways, the plain one
// started first in one and the plugin one in the other, so a difference between two Gateway
// processes does not always land on the same side; the target is the ratio of the medians over
// both rounds (each round's ratio is reported too).
// The plugin's own decision ring (clawshield.decisions) is read at the end to show it decided every
// exec of the measured turns.

import { rmSync } from "node:fs";
import os from "node:os";
import type { Row } from "../lib.ts";
import { connectOperator, runTurn, startFakeLlm, startGateway, type FakeLlmHandle, type GatewayHandle, type OperatorClient } from "../../test/e2e/harness/index.ts";
import { pluginDir, startGatewayWithPlugin, type PluginDir } from "../../test/e2e/plugin-helpers.ts";

const TARGET_RATIO = 1.05;
const TURN_TIMEOUT_MS = 120_000;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

interface RoundResult {
  readonly plain: number[];
  readonly plugin: number[];
  readonly pluginDecisions: number | string;
  readonly hookMs: Record<string, { medianMs: number; maxMs: number }>;
  readonly req: { plain: { bytes: number; tools: number; calls: number }; plugin: { bytes: number; tools: number; calls: number } };
}

/**
 * One round: two fresh Gateways (one plain, one with the plugin), warm-up, then `turns` ABBA pairs.
 * `pluginFirst` chooses which Gateway starts first, so that across two rounds the plugin is
 * measured on a first- and on a second-started process: what differs between two Gateway
 * processes (start order, where the OS placed them) then weighs on both sides.
 */
async function round(turns: number, warmup: number, pluginFirst: boolean): Promise<RoundResult> {
  let llm: FakeLlmHandle | undefined;
  let llmPlugin: FakeLlmHandle | undefined;
  let plain: GatewayHandle | undefined;
  let withPlugin: GatewayHandle | undefined;
  let opPlain: OperatorClient | undefined;
  let opPlugin: OperatorClient | undefined;
  let plugin: PluginDir | undefined;
  const stateDir = `${os.tmpdir()}/clawshield-bench-plugin-state-${process.pid}-${pluginFirst ? "b" : "a"}`;
  try {
    // One fake model per gateway, so the model requests (prompt size, tools offered) can be compared.
    llm = await startFakeLlm();
    llmPlugin = await startFakeLlm();
    plugin = pluginDir();
    const startPlain = async (): Promise<void> => {
      plain = await startGateway({ llm: llm!, execMode: "full", readyTimeoutMs: 180_000 });
    };
    const startPlugin = async (): Promise<void> => {
      withPlugin = await startGatewayWithPlugin({
        llm: llmPlugin!,
        execMode: "full",
        pluginPaths: [plugin!.dir],
        pluginEntries: { clawshield: { enabled: true, config: { stateDir } } },
        readyTimeoutMs: 180_000,
      });
    };
    // Started one after the other (a start takes 10-60 s on a loaded 2-core box).
    if (pluginFirst) {
      await startPlugin();
      await startPlain();
    } else {
      await startPlain();
      await startPlugin();
    }
    opPlain = await connectOperator({ url: plain!.url, token: plain!.token });
    opPlugin = await connectOperator({ url: withPlugin!.url, token: withPlugin!.token });
    const sides = { plain: { op: opPlain, ms: [] as number[] }, plugin: { op: opPlugin, ms: [] as number[] } };
    let n = 0;
    const turn = async (side: "plain" | "plugin", record: boolean): Promise<void> => {
      const s = sides[side];
      const r = await runTurn(s.op, { sessionKey: `bench-${side}-${pluginFirst ? "b" : "a"}-${n++}`, message: "RUN: echo hi", timeoutMs: TURN_TIMEOUT_MS });
      if (r.state !== "final" || !/hi/.test(r.text)) throw new Error(`plugin bench: ${side} turn ended ${r.state}: ${r.text.slice(0, 200)}`);
      if (record) s.ms.push(r.durationMs);
    };
    for (let i = 0; i < warmup; i++) {
      await turn("plain", false);
      await turn("plugin", false);
    }
    llm.requests.length = 0;
    llmPlugin.requests.length = 0;
    for (let i = 0; i < turns; i++) {
      const order: ("plain" | "plugin")[] = i % 2 === 0 ? ["plain", "plugin"] : ["plugin", "plain"];
      for (const side of order) await turn(side, true);
    }
    // The plugin decided the exec of every measured turn (its hook-liveness ring).
    let pluginDecisions: number | string = "unknown";
    // Wall time the Gateway spent inside the plugin's hooks (recent calls): the overhead measured
    // from the inside, free of the noise between two Gateways.
    let hookMs: Record<string, { medianMs: number; maxMs: number }> = {};
    try {
      const res = (await opPlugin.request("clawshield.decisions", { since: 0, limit: 500 })) as { decisions?: unknown[]; hookMs?: Record<string, { medianMs: number; maxMs: number }> };
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
    return { plain: sides.plain.ms, plugin: sides.plugin.ms, pluginDecisions, hookMs, req: { plain: reqInfo(llm), plugin: reqInfo(llmPlugin) } };
  } finally {
    await opPlugin?.close().catch(() => undefined);
    await opPlain?.close().catch(() => undefined);
    await withPlugin?.stop().catch(() => undefined);
    await plain?.stop().catch(() => undefined);
    await llm?.close().catch(() => undefined);
    await llmPlugin?.close().catch(() => undefined);
    plugin?.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export async function benchPlugin(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const quick = opts.quick ?? false;
  const turns = quick ? 10 : 30;
  const warmup = quick ? 2 : 4;
  const load0 = os.loadavg()[0]!;
  // Two rounds of fresh Gateways: the plain one started first, then the plugin one first.
  const rounds = [await round(turns, warmup, false), await round(turns, warmup, true)];
  const a = rounds.flatMap((r) => r.plain);
  const b = rounds.flatMap((r) => r.plugin);
  const ratio = median(b) / median(a);
  const paired = a.map((x, i) => b[i]! / x);
  const roundRatios = rounds.map((r) => Number((median(r.plugin) / median(r.plain)).toFixed(3)));
  const load1 = os.loadavg()[0]!;
  const row = (name: string, xs: number[]): Row => ({
    suite: "plugin",
    name,
    n: xs.length,
    opsPerSec: 1000 / median(xs),
    p50Ms: median(xs),
    p99Ms: quantile(xs, 0.99),
    extra: { p25Ms: Math.round(quantile(xs, 0.25)), p75Ms: Math.round(quantile(xs, 0.75)), minMs: Math.round(Math.min(...xs)) },
  });
  const last = rounds[rounds.length - 1]!;
  return [
    row("agent turn (RUN: echo hi), no plugin", a),
    row("agent turn (RUN: echo hi), ClawShield plugin", b),
    {
      suite: "plugin",
      name: "plugin overhead: ratio of medians",
      n: a.length + b.length,
      extra: {
        ratio: Number(ratio.toFixed(3)),
        roundRatios: roundRatios.join(" / "),
        addedMs: Math.round(median(b) - median(a)),
        medianPairedRatio: Number(median(paired).toFixed(3)),
        pluginDecisions: rounds.map((r) => String(r.pluginDecisions)).join(" / "),
        ...Object.fromEntries(Object.entries(last.hookMs).map(([k, v]) => [`${k}MedianMs`, v.medianMs])),
        modelCalls: rounds.map((r) => `${r.req.plain.calls} / ${r.req.plugin.calls}`).join(", "),
        promptBytesMedian: `${last.req.plain.bytes} / ${last.req.plugin.bytes}`,
        toolsOffered: `${last.req.plain.tools} / ${last.req.plugin.tools}`,
        loadavg1Start: Number(load0.toFixed(2)),
        loadavg1End: Number(load1.toFixed(2)),
      },
      target: `≤ ${TARGET_RATIO} (adds ≤ 5%)`,
      met: ratio <= TARGET_RATIO,
    },
  ];
}
