// Action producer of the full stack: starts the scripted fake model, connects to the real Gateway as
// an operator and drives the agent with every scenario of deploy/stack/scenarios.json via chat.send,
// one session per scenario. It also plays the human operator: approvals that ClawShield leaves to a
// person (review) are answered as the scenario's `human` says, with plugin.approval.resolve /
// exec.approval.resolve. It writes a JSON report for the assertor and prints progress.
//
// Same entry point in compose (service "producer") and in scripts/stack.ts. Environment:
//   STACK_GATEWAY_URL, STACK_GATEWAY_TOKEN    the Gateway (ws://…) and its shared token (required)
//   STACK_FAKE_MODEL_PORT [, _HOST]           start the fake model here (omit to skip: already running)
//   STACK_MARKERS_DIR                          shared folder for marker files (required)
//   STACK_REPORT                               where the report goes (default <markers>/producer-report.json)
//   STACK_CLAWSHIELD_URL                       ClawShield HTTP API; /readyz is awaited before the first turn
//   STACK_RUN_TAG, STACK_ONLY, STACK_SCENARIOS run tag (session keys, marker names), scenario subset, file
//   STACK_TURN_TIMEOUT_MS (45000), STACK_READY_TIMEOUT_MS (90000)
//   STACK_WAIT_FOR, STACK_WAIT_FOR_MS          compose: stay up until this file (the verdict) exists, so
//                                              `up --exit-code-from assertor` is not torn down by our exit
// stdout: one `STACK-EVENT <json>` line per step (scripts/demo.ts reads them); other output on stderr.

import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { connectOperator, runTurn, type OperatorClient } from "../../test/e2e/harness/client.ts";
import { startStackFakeModel, type StackFakeModel } from "./fake-model.ts";
import {
  gatewaySessionKey,
  loadScenarios,
  markerPathOf,
  newRunTag,
  renderMessage,
  selectScenarios,
  sessionKeyOf,
  type ApprovalKind,
  type Scenario,
} from "./scenarios.ts";

export interface ApprovalRecord {
  kind: ApprovalKind;
  id: string;
  pluginId?: string;
  command?: string;
  title?: string;
  /** What the scripted human sent (undefined: left alone). */
  humanDecision?: string;
  humanError?: string;
  /** From `*.approval.resolved`. */
  resolved?: { decision?: string; resolvedBy?: string };
}

export interface ScenarioRun {
  id: string;
  title: string;
  sessionKey: string;
  gatewaySessionKey: string;
  marker: string;
  message: string;
  startedAt: string;
  durationMs: number;
  turn?: { state: string; text: string; runId: string };
  error?: string;
  approvals: ApprovalRecord[];
  /** Tool calls this run made (agent stream:"tool" start), with their result status. */
  tools: Array<{ name: string; args?: unknown; status?: string; isError?: boolean; text?: string }>;
}

export interface ProducerReport {
  version: 1;
  runTag: string;
  gatewayUrl: string;
  startedAt: string;
  finishedAt?: string;
  markersDir: string;
  pluginLoaded?: boolean;
  clawshieldReady?: boolean;
  scenarios: ScenarioRun[];
  fatal?: string;
}

export interface ProducerOptions {
  gatewayUrl: string;
  token: string;
  markersDir: string;
  reportPath: string;
  runTag?: string;
  only?: string;
  scenariosFile?: string;
  clawshieldUrl?: string;
  fakeModel?: { host: string; port: number };
  turnTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** Called for every progress event (also printed as STACK-EVENT lines by the entry point). */
  onEvent?: (e: Record<string, unknown>) => void;
  log?: (line: string) => void;
}

const HUMAN_DELAY_MS = 300;

function rec(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function writeReport(file: string, report: ProducerReport): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Polls ClawShield's /readyz until 200 (bounded). */
export async function waitForClawShield(url: string, timeoutMs: number, log: (s: string) => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const r = await fetch(new URL("/readyz", url), { signal: AbortSignal.timeout(3000) });
      if (r.ok) return true;
      last = `HTTP ${r.status} ${(await r.text()).slice(0, 300)}`;
    } catch (e) {
      last = String((e as Error).message ?? e);
    }
    await sleep(500);
  }
  log(`ClawShield not ready at ${url}/readyz within ${timeoutMs} ms (last: ${last})`);
  return false;
}

export async function runProducer(opts: ProducerOptions): Promise<ProducerReport> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`[producer] ${s}\n`));
  const emit = opts.onEvent ?? (() => undefined);
  const runTag = opts.runTag ?? newRunTag();
  const scenarios = selectScenarios(loadScenarios(opts.scenariosFile), opts.only);
  mkdirSync(opts.markersDir, { recursive: true });
  const report: ProducerReport = {
    version: 1,
    runTag,
    gatewayUrl: opts.gatewayUrl,
    startedAt: new Date().toISOString(),
    markersDir: opts.markersDir,
    scenarios: [],
  };
  let model: StackFakeModel | undefined;
  let op: OperatorClient | undefined;
  try {
    if (opts.fakeModel) {
      model = await startStackFakeModel(opts.fakeModel);
      log(`fake model on ${model.host}:${model.port}`);
    }
    if (opts.clawshieldUrl) {
      report.clawshieldReady = await waitForClawShield(opts.clawshieldUrl, opts.readyTimeoutMs ?? 90_000, log);
      if (!report.clawshieldReady) throw new Error(`ClawShield is not ready (${opts.clawshieldUrl}/readyz)`);
    }
    // The operator: sends the scenarios and plays the human (admin + approvals cap: it sees every approval).
    op = await connectOperator({ url: opts.gatewayUrl, token: opts.token, displayName: "clawshield-stack-producer", timeoutMs: opts.readyTimeoutMs ?? 90_000 });
    try {
      const plugins = rec(await op.request("plugins.list", {}, { timeoutMs: 10_000 }));
      const list = Array.isArray(plugins.plugins) ? plugins.plugins : [];
      report.pluginLoaded = list.some((p) => {
        const r = rec(p);
        const state = rec(r.runtime).state;
        return r.id === "clawshield" && r.enabled === true && (state === undefined || state === "loaded" || state === "active" || state === "ready");
      });
    } catch (e) {
      log(`plugins.list failed: ${String(e)}`);
    }
    emit({ type: "ready", runTag, pluginLoaded: report.pluginLoaded, clawshieldReady: report.clawshieldReady, scenarios: scenarios.map((s) => s.id) });

    const bySession = new Map<string, { scenario: Scenario; run: ScenarioRun }>();
    const approvalsById = new Map<string, ApprovalRecord>();
    op.onEvent((evt) => {
      const kind: ApprovalKind | undefined = evt.event.startsWith("exec.approval.") ? "exec" : evt.event.startsWith("plugin.approval.") ? "plugin" : undefined;
      if (!kind) return;
      const p = rec(evt.payload);
      const id = str(p.id);
      if (!id) return;
      if (evt.event.endsWith(".resolved")) {
        const a = approvalsById.get(id);
        if (a) a.resolved = { ...(str(p.decision) ? { decision: str(p.decision) } : {}), ...(str(p.resolvedBy) ? { resolvedBy: str(p.resolvedBy) } : {}) };
        return;
      }
      if (!evt.event.endsWith(".requested")) return;
      const request = rec(p.request);
      const owner = bySession.get(str(request.sessionKey) ?? "");
      if (!owner) return;
      const a: ApprovalRecord = {
        kind,
        id,
        ...(str(request.pluginId) ? { pluginId: str(request.pluginId) } : {}),
        ...(str(request.command) ? { command: str(request.command) } : {}),
        ...(str(request.title) ? { title: str(request.title) } : {}),
      };
      approvalsById.set(id, a);
      owner.run.approvals.push(a);
      emit({ type: "approval", scenario: owner.scenario.id, kind, id, pluginId: a.pluginId });
      const answer = owner.scenario.human?.[kind];
      // Plugin approvals of other plugins are not ours to answer; ClawShield's own are the review path.
      if (!answer || (kind === "plugin" && a.pluginId !== undefined && a.pluginId !== "clawshield")) return;
      void (async () => {
        // Let ClawShield answer first if it is going to (allow/block); a person answers what it left pending.
        await sleep(HUMAN_DELAY_MS);
        if (a.resolved) return;
        a.humanDecision = answer;
        try {
          await op!.request(`${kind}.approval.resolve`, { id, decision: answer }, { timeoutMs: 10_000 });
          emit({ type: "human", scenario: owner.scenario.id, kind, id, decision: answer });
        } catch (e) {
          a.humanError = String((e as Error).message ?? e);
        }
      })();
    });

    for (const s of scenarios) {
      const sessionKey = sessionKeyOf(runTag, s.id);
      const marker = markerPathOf(opts.markersDir, runTag, s.id);
      rmSync(marker, { force: true });
      const message = renderMessage(s, marker);
      const run: ScenarioRun = {
        id: s.id,
        title: s.title,
        sessionKey,
        gatewaySessionKey: gatewaySessionKey(sessionKey),
        marker,
        message,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        approvals: [],
        tools: [],
      };
      report.scenarios.push(run);
      bySession.set(run.gatewaySessionKey, { scenario: s, run });
      emit({ type: "scenario-start", scenario: s.id, title: s.title, message });
      const t0 = Date.now();
      try {
        const turn = await runTurn(op, { sessionKey, message, timeoutMs: opts.turnTimeoutMs ?? 45_000 });
        run.turn = { state: turn.state, text: turn.text, runId: turn.runId };
        for (const e of turn.events) {
          const p = rec(e.payload);
          const d = rec(p.data);
          if (e.event !== "agent" || p.stream !== "tool") continue;
          if (d.phase === "start") run.tools.push({ name: String(d.name), args: d.args });
          else if (d.phase === "result") {
            const t = [...run.tools].reverse().find((x) => x.name === String(d.name) && x.status === undefined) ?? (run.tools.push({ name: String(d.name) }), run.tools[run.tools.length - 1]!);
            const result = rec(d.result);
            const content = Array.isArray(result.content) ? result.content.map((c) => str(rec(c).text) ?? "").join("") : "";
            t.status = str(rec(result.details).status) ?? (d.isError === true ? "error" : "completed");
            t.isError = d.isError === true;
            t.text = content.slice(0, 500);
          }
        }
      } catch (e) {
        run.error = String((e as Error).message ?? e);
        log(`scenario ${s.id}: ${run.error}`);
      }
      run.durationMs = Date.now() - t0;
      // Give a late approval answer a moment to be recorded before the next session starts.
      await sleep(50);
      emit({ type: "scenario-end", scenario: s.id, state: run.turn?.state, error: run.error, text: run.turn?.text, markerExists: existsSync(marker), durationMs: run.durationMs, tools: run.tools });
    }
  } catch (e) {
    report.fatal = String((e as Error).message ?? e);
    log(`fatal: ${report.fatal}`);
  } finally {
    report.finishedAt = new Date().toISOString();
    writeReport(opts.reportPath, report);
    emit({ type: "done", report: opts.reportPath, fatal: report.fatal });
    await op?.close();
    await model?.close();
  }
  return report;
}

function envOpts(env: NodeJS.ProcessEnv): ProducerOptions {
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`${k} is required`);
    return v;
  };
  const markersDir = need("STACK_MARKERS_DIR");
  return {
    gatewayUrl: need("STACK_GATEWAY_URL"),
    token: need("STACK_GATEWAY_TOKEN"),
    markersDir,
    reportPath: env.STACK_REPORT || path.join(markersDir, "producer-report.json"),
    ...(env.STACK_RUN_TAG ? { runTag: env.STACK_RUN_TAG } : {}),
    ...(env.STACK_ONLY ? { only: env.STACK_ONLY } : {}),
    ...(env.STACK_SCENARIOS ? { scenariosFile: env.STACK_SCENARIOS } : {}),
    ...(env.STACK_CLAWSHIELD_URL ? { clawshieldUrl: env.STACK_CLAWSHIELD_URL } : {}),
    ...(env.STACK_FAKE_MODEL_PORT ? { fakeModel: { host: env.STACK_FAKE_MODEL_HOST || "127.0.0.1", port: Number(env.STACK_FAKE_MODEL_PORT) } } : {}),
    ...(env.STACK_TURN_TIMEOUT_MS ? { turnTimeoutMs: Number(env.STACK_TURN_TIMEOUT_MS) } : {}),
    ...(env.STACK_READY_TIMEOUT_MS ? { readyTimeoutMs: Number(env.STACK_READY_TIMEOUT_MS) } : {}),
  };
}

if (import.meta.main) {
  const opts = envOpts(process.env);
  const report = await runProducer({ ...opts, onEvent: (e) => process.stdout.write(`STACK-EVENT ${JSON.stringify(e)}\n`) });
  const waitFor = process.env.STACK_WAIT_FOR;
  if (waitFor) {
    // compose: `up --exit-code-from assertor` stops the whole project when any container exits, so stay
    // up (bounded) until the assertor has written its verdict.
    const deadline = Date.now() + Number(process.env.STACK_WAIT_FOR_MS || 180_000);
    while (!existsSync(waitFor) && Date.now() < deadline) await sleep(500);
  }
  process.exit(report.fatal ? 2 : 0);
}
