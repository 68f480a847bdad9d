// `npm run stack:test`: the four-part topology of deploy/compose.yml as plain processes on 127.0.0.1.
//   1. the real OpenClaw Gateway (node_modules/openclaw) with deploy/gateway/openclaw.template.json:
//      fake model provider, tools.exec host gateway mode ask, the ClawShield plugin loaded from a
//      snapshot of the package (like /app in the image; its state in <tmp>/state/plugin)
//   2. ClawShield: the real `clawshield start` as a child process (sidecar connected to the Gateway as
//      approval authority, HTTP API on a free loopback port, state in <tmp>/state/sidecar)
//   3. the producer (deploy/stack/producer.ts, child process): fake model + scenarios + scripted human
//   4. the assertor (deploy/stack/assertor.ts, child process): exits with the verdict
// Everything is bounded and stopped by PID; the exit code is the assertor's. Scenarios come from
// deploy/stack/scenarios.json, the same file compose uses.
//
// Environment: STACK_ONLY=<ids> (subset), STACK_KEEP=1 (keep the temp folder), STACK_PLUGIN_DIR (load the
// plugin from this folder instead of a snapshot of the working tree), STACK_TIMEOUT_MS
// (whole run, default 420000), STACK_REQUIRE=1 (a missing component fails instead of skipping).
// Exit: the assertor's code (0 pass, 1 mismatch, 2 not checkable); 3 infrastructure failure;
// 0 with "SKIPPED" when a component is missing (unless STACK_REQUIRE=1: then 3).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { freePort, nodeBinary, startGateway, type GatewayHandle } from "../test/e2e/harness/gateway.ts";
import { snapshotPluginPackage } from "../test/e2e/harness/plugin-package.ts";
import type { Verdict } from "../deploy/stack/assertor.ts";
import { renderGatewayConfig } from "../deploy/stack/gateway-config.ts";
import { loadScenarios, newRunTag, selectScenarios } from "../deploy/stack/scenarios.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(REPO_ROOT, "src", "cli", "main.ts");
const PRODUCER = path.join(REPO_ROOT, "deploy", "stack", "producer.ts");
const ASSERTOR = path.join(REPO_ROOT, "deploy", "stack", "assertor.ts");

export interface StackEvent {
  type: string;
  [key: string]: unknown;
}

export interface StackOptions {
  only?: string;
  /** Keep the run folder; default: only when the run failed. */
  keep?: boolean;
  timeoutMs?: number;
  /** Progress: stage changes and the producer's STACK-EVENT lines. */
  onEvent?: (e: StackEvent) => void;
  /** Where human-readable progress goes (default stderr). */
  log?: (line: string) => void;
  /** Print the assertor's table (default true). */
  printVerdict?: boolean;
}

export interface StackResult {
  exitCode: number;
  /** Set when the stack could not run because a component is missing. */
  skipped?: string;
  verdict?: Verdict;
  durationMs: number;
  root: string;
  stateDirs: string[];
  markersDir: string;
  timings: Record<string, number>;
}

/** What is missing for the stack to run (empty: all components are there). */
export function missingComponents(): string[] {
  const missing: string[] = [];
  const node = nodeBinary();
  if (!existsSync(path.join(REPO_ROOT, "node_modules", "openclaw", "openclaw.mjs"))) missing.push("the OpenClaw Gateway (node_modules/openclaw; run npm install)");
  const help = spawnSync(node, [CLI, "--help"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 });
  if (help.status !== 0 || !/^\s+start\b/m.test(help.stdout)) missing.push("the `clawshield start` command (sidecar + HTTP server, src/cli/commands/sidecar.ts)");
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { openclaw?: { extensions?: string[] } };
  const ext = pkg.openclaw?.extensions ?? [];
  if (!existsSync(path.join(REPO_ROOT, "openclaw.plugin.json")) || ext.length === 0 || !ext.every((e) => existsSync(path.join(REPO_ROOT, e)))) {
    missing.push("the OpenClaw plugin (openclaw.plugin.json + package.json openclaw.extensions → src/plugin/index.ts)");
  }
  return missing;
}


const PLUGIN_LOADED = /\[clawshield\] config loaded/;
const PLUGIN_FAILED = /clawshield failed during load[^\n]*/;

/**
 * Waits (bounded) until the Gateway log shows the ClawShield plugin registered or failed. A load
 * refused because a source file changed during OpenClaw's capture is retried with a restart; any
 * other load failure stops the run with the loader's message.
 */
async function ensurePluginLoaded(gw: GatewayHandle, log: (s: string) => void, attempts = 3): Promise<void> {
  let since = 0;
  for (let i = 1; ; i++) {
    const text = (): string => gw.readLog().slice(since);
    if (!PLUGIN_LOADED.test(text()) && !PLUGIN_FAILED.test(text())) {
      await gw.waitForLog(new RegExp(`${PLUGIN_LOADED.source}|${PLUGIN_FAILED.source}`), 30_000, since).catch(() => undefined);
    }
    const t = text();
    if (PLUGIN_LOADED.test(t) && !PLUGIN_FAILED.test(t)) return;
    const why = PLUGIN_FAILED.exec(t)?.[0] ?? "no \"[clawshield] config loaded\" line in the Gateway log";
    if (i >= attempts || !/Plugin source changed/.test(t)) throw new Error(`the ClawShield plugin did not load into the Gateway: ${why}`);
    log(`plugin load refused (${why}); restarting the Gateway (attempt ${i + 1}/${attempts})`);
    since = gw.logOffset();
    await gw.restart();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(file: string, chars = 4000): string {
  try {
    const t = readFileSync(file, "utf8");
    return t.length > chars ? `…${t.slice(-chars)}` : t;
  } catch {
    return "(no log)";
  }
}

/** SIGTERM, wait (bounded), SIGKILL. */
async function stopChild(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(t);
}

function waitExit(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once("exit", (code, signal) => r(code ?? (signal ? 128 : 1))));
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return `exited with code ${child.exitCode}`;
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return undefined;
      last = `HTTP ${r.status} ${(await r.text()).slice(0, 300)}`;
    } catch (e) {
      last = String((e as Error).message ?? e);
    }
    await sleep(300);
  }
  return `not ready within ${timeoutMs} ms (last: ${last})`;
}

export async function runStack(opts: StackOptions = {}): Promise<StackResult> {
  const t0 = Date.now();
  const log = opts.log ?? ((s: string) => process.stderr.write(`[stack] ${s}\n`));
  const emit = opts.onEvent ?? (() => undefined);
  const timings: Record<string, number> = {};
  const root = mkdtempSync(path.join(tmpdir(), "clawshield-stack-"));
  const markersDir = path.join(root, "markers");
  const sidecarState = path.join(root, "state", "sidecar");
  const pluginState = path.join(root, "state", "plugin");
  const workDir = path.join(root, "work");
  for (const d of [markersDir, sidecarState, pluginState, workDir]) mkdirSync(d, { recursive: true });
  const stateDirs = [sidecarState, pluginState];
  const result = (exitCode: number, extra: Partial<StackResult> = {}): StackResult => ({ exitCode, durationMs: Date.now() - t0, root, stateDirs, markersDir, timings, ...extra });

  // Validate the scenario file before starting anything.
  selectScenarios(loadScenarios(), opts.only);
  emit({ type: "setup", root, stateDirs, markersDir });

  const missing = missingComponents();
  if (missing.length > 0) {
    const why = `SKIPPED: the full stack needs ${missing.join("; ")} — not in this tree yet`;
    log(why);
    rmSync(root, { recursive: true, force: true });
    return result(process.env.STACK_REQUIRE === "1" ? 3 : 0, { skipped: why });
  }

  const node = nodeBinary();
  const runTag = newRunTag();
  let gw: GatewayHandle | undefined;
  let clawshield: ChildProcess | undefined;
  let producer: ChildProcess | undefined;
  let assertor: ChildProcess | undefined;
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    log(`run exceeded ${opts.timeoutMs ?? 420_000} ms: stopping everything`);
    for (const c of [assertor, producer, clawshield]) c?.kill("SIGKILL");
  }, opts.timeoutMs ?? Number(process.env.STACK_TIMEOUT_MS || 420_000));
  const onSignal = (): void => {
    for (const c of [assertor, producer, clawshield]) c?.kill("SIGTERM");
    void gw?.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);

  let exitCode = 3;
  let verdict: Verdict | undefined;
  const csLog = path.join(root, "clawshield.log");
  try {
    // 1. Gateway (fake model port chosen now; the producer starts the model before the first turn).
    const modelPort = await freePort();
    emit({ type: "stage", stage: "gateway", detail: "starting the OpenClaw Gateway (10-16 s)" });
    const tg = Date.now();
    const pluginPkg = process.env.STACK_PLUGIN_DIR || snapshotPluginPackage(path.join(root, "clawshield"));
    const config = renderGatewayConfig({
      WORKSPACE: workDir,
      FAKE_MODEL_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
      CLAWSHIELD_PLUGIN_PATH: pluginPkg,
      CLAWSHIELD_PLUGIN_STATE_DIR: pluginState,
    });
    gw = await startGateway({ llm: `http://127.0.0.1:${modelPort}/v1`, execMode: "ask", config, readyTimeoutMs: 150_000, ...(opts.keep ? { keepTempDir: true } : {}) });
    await ensurePluginLoaded(gw, log);
    timings.gatewayStartMs = Date.now() - tg;
    log(`gateway ${gw.url} ready in ${timings.gatewayStartMs} ms (pid ${gw.pid}, log ${gw.logPath})`);

    // 2. ClawShield sidecar (approval authority) + HTTP API.
    const csPort = await freePort();
    const csUrl = `http://127.0.0.1:${csPort}`;
    emit({ type: "stage", stage: "clawshield", detail: `starting clawshield start (${csUrl})` });
    const tc = Date.now();
    const out = createWriteStream(csLog);
    clawshield = spawn(node, [CLI, "start"], {
      cwd: sidecarState,
      env: {
        ...process.env,
        NO_COLOR: "1",
        CLAWSHIELD_GATEWAY_URL: gw.url,
        CLAWSHIELD_GATEWAY_TOKEN: gw.token,
        CLAWSHIELD_SERVER_HOST: "127.0.0.1",
        CLAWSHIELD_SERVER_PORT: String(csPort),
        CLAWSHIELD_RUNTIME_STATE_DIR: sidecarState,
        CLAWSHIELD_RUNTIME_DECISION_LOG_PATH: path.join(sidecarState, "decisions.jsonl"),
        CLAWSHIELD_SECURITY_QUARANTINE_DIR: path.join(sidecarState, "quarantine"),
        CLAWSHIELD_SESSION_STATE_PATH: path.join(sidecarState, "state.db"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    clawshield.stdout?.pipe(out);
    clawshield.stderr?.pipe(out);
    const notReady = await waitReady(csUrl, clawshield, 60_000);
    if (notReady) throw new Error(`clawshield start: ${notReady}\n--- clawshield log ---\n${tail(csLog)}`);
    timings.clawshieldStartMs = Date.now() - tc;
    log(`clawshield ready in ${timings.clawshieldStartMs} ms (pid ${clawshield.pid}, log ${csLog})`);

    // 3. Producer.
    const reportPath = path.join(root, "producer-report.json");
    emit({ type: "stage", stage: "producer", detail: "driving the scenarios" });
    const tp = Date.now();
    producer = spawn(node, [PRODUCER], {
      cwd: root,
      env: {
        ...process.env,
        STACK_GATEWAY_URL: gw.url,
        STACK_GATEWAY_TOKEN: gw.token,
        STACK_FAKE_MODEL_HOST: "127.0.0.1",
        STACK_FAKE_MODEL_PORT: String(modelPort),
        STACK_MARKERS_DIR: markersDir,
        STACK_REPORT: reportPath,
        STACK_CLAWSHIELD_URL: csUrl,
        STACK_RUN_TAG: runTag,
        ...(opts.only ? { STACK_ONLY: opts.only } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const producerLog = createWriteStream(path.join(root, "producer.log"));
    producer.stderr?.pipe(producerLog);
    createInterface({ input: producer.stdout! }).on("line", (line) => {
      producerLog.write(`${line}\n`);
      if (!line.startsWith("STACK-EVENT ")) return;
      try {
        emit(JSON.parse(line.slice(12)) as StackEvent);
      } catch {
        // not an event
      }
    });
    const pcode = await waitExit(producer);
    timings.producerMs = Date.now() - tp;
    log(`producer exited ${pcode} after ${timings.producerMs} ms`);
    if (timedOut) throw new Error("timed out");

    // 4. Assertor.
    emit({ type: "stage", stage: "assertor", detail: "checking decisions, markers and quarantine" });
    const verdictPath = path.join(root, "verdict.json");
    const ta = Date.now();
    assertor = spawn(node, [ASSERTOR], {
      cwd: root,
      env: {
        ...process.env,
        STACK_REPORT: reportPath,
        STACK_STATE_DIRS: stateDirs.join(","),
        STACK_VERDICT: verdictPath,
        STACK_REPORT_WAIT_MS: "5000",
        ...(opts.only ? { STACK_ONLY: opts.only } : {}),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let table = "";
    assertor.stdout?.on("data", (d: Buffer) => (table += d.toString()));
    exitCode = await waitExit(assertor);
    timings.assertorMs = Date.now() - ta;
    if (timedOut) throw new Error("timed out");
    if (opts.printVerdict !== false) process.stdout.write(table);
    if (existsSync(verdictPath)) verdict = JSON.parse(readFileSync(verdictPath, "utf8")) as Verdict;
    if (exitCode !== 0) {
      log(`--- clawshield log (tail) ---\n${tail(csLog)}\n--- gateway log (tail) ---\n${gw.readLog().slice(-4000)}`);
    }
  } catch (e) {
    log(`stack failed: ${(e as Error).message}`);
    if (gw) log(`--- gateway log (tail) ---\n${gw.readLog().slice(-4000)}`);
    if (existsSync(csLog)) log(`--- clawshield log (tail) ---\n${tail(csLog)}`);
    exitCode = exitCode === 3 || timedOut ? 3 : exitCode;
  } finally {
    clearTimeout(deadline);
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    const ts = Date.now();
    await Promise.all([stopChild(assertor), stopChild(producer)]);
    await stopChild(clawshield);
    await gw?.stop();
    timings.stopMs = Date.now() - ts;
    const keep = opts.keep ?? exitCode !== 0;
    if (keep) log(`kept ${root} (logs, state, markers)`);
    else rmSync(root, { recursive: true, force: true });
  }
  return result(exitCode, verdict ? { verdict } : {});
}

if (import.meta.main) {
  const r = await runStack({ ...(process.env.STACK_ONLY ? { only: process.env.STACK_ONLY } : {}), ...(process.env.STACK_KEEP === "1" ? { keep: true } : {}) });
  process.stderr.write(`[stack] ${r.skipped ? "SKIPPED" : (r.exitCode === 0 ? "PASSED" : `FAILED (exit ${r.exitCode})`)} in ${(r.durationMs / 1000).toFixed(1)} s ${JSON.stringify(r.timings)}\n`);
  process.exit(r.exitCode);
}
