// `clawshield start`: the Gateway sidecar + HTTP API as one long-running process, and
// `clawshield replay <frames.jsonl>`: recorded Gateway frames through the same pipeline offline.
// Registered by src/cli/main.ts.
//
// start wires: config → logger (pino, stderr) → metrics (prom-client) → session state store →
// defender (buildDefender with telemetry + state + decision stream sinks) → pipeline → HTTP server
// → sidecar (Gateway connection). With no Gateway reachable it says so in the log, the sidecar
// keeps retrying, and the HTTP API serves meanwhile (/readyz answers 503 with the reason).
// SIGINT / SIGTERM stop everything in order and the process exits 0.

import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { flushCompileCache, getCompileCacheDir } from "node:module";
import { constants as osConstants } from "node:os";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import type { ResolvedConfig } from "../../config/schema.ts";
import { buildDefender } from "../../defender/build.ts";
import type { Defender } from "../../defender/defender.ts";
import type { Logger } from "../../defender/types.ts";
import { parseAction } from "../../engine/action.ts";
import { toDecisionEvent } from "../../engine/event.ts";
import type { Action, Decision, DecisionAction } from "../../engine/types.ts";
import { ClawShieldError, ErrorCode, isClawShieldError } from "../../errors.ts";
import { actionFromFrame, isGatewayFrame } from "../../gateway/frames.ts";
import { FrameError, observeFrame } from "../../gateway/observer.ts";
import { createSidecar, type Sidecar, type SidecarStatus } from "../../gateway/sidecar.ts";
import { peekAttestation } from "../../policy/attest.ts";
import { policyVersionOf } from "../../policy/bundle.ts";
import { startMemorySampler } from "../../runtime/memory.ts";
import { createPipeline, type RuntimePipeline, type SubmitMeta } from "../../runtime/pipeline.ts";
import type { HttpServer, Readiness } from "../../server/http.ts";
import { serviceCompileCache, WARM_ONLY_ENV } from "../../service/compile-cache.ts";
import { hasRuntimeFlags, reexecCommand, shouldReexec } from "../../service/node-flags.ts";
import { createSdNotifier, watchdogIntervalMs } from "../../service/notify.ts";
import { createDecisionHub } from "../../server/stream.ts";
import { openStateStore, type StateStore } from "../../store/state/index.ts";
import { createLogger } from "../../telemetry/logger.ts";
import { createMetrics, type Metrics } from "../../telemetry/metrics.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../output.ts";

export type SidecarFactory = (deps: { config: ResolvedConfig; pipeline: RuntimePipeline; defender: Defender; telemetry: Metrics; logger: Logger }) => Sidecar;

export interface StartOptions {
  /** Serve the HTTP API only; no Gateway connection (readiness is then the HTTP server's). */
  readonly noGateway?: boolean;
  readonly host?: string;
  readonly port?: number;
  readonly logLevel?: string;
  readonly logger?: Logger;
  /** Replaces createSidecar (tests). */
  readonly sidecarFactory?: SidecarFactory;
  /** How often the Gateway connection is checked for the "not reachable" log (default 2 s first, then every 5 s; warnings at most every 60 s). */
  readonly watchMs?: number;
}

export interface RunningRuntime {
  readonly config: ResolvedConfig;
  readonly http?: { host: string; port: number; url: string };
  readonly pipeline: RuntimePipeline;
  readonly sidecar?: Sidecar;
  readonly state: StateStore;
  readonly metrics: Metrics;
  /** Stops everything (idempotent); resolves when done. */
  stop(): Promise<void>;
}

/** The readiness answer from the sidecar's status. */
export function readinessFromStatus(st: SidecarStatus): Readiness {
  const detail = { gateway: { url: st.url, connected: st.connected, scopesOk: st.scopesOk, missingScopes: st.missingScopes, reconnects: st.reconnects, pluginSeen: st.pluginSeen, ...(st.lastError ? { lastError: st.lastError } : {}) } };
  if (!st.connected) return { ready: false, reason: `Gateway not connected at ${st.url}${st.lastError ? ` (${st.lastError})` : ""}; retrying`, detail };
  if (!st.scopesOk) return { ready: false, reason: `Gateway connected but scopes not granted: ${st.missingScopes.join(", ")}`, detail };
  return { ready: true, detail };
}

/** Starts the long-running runtime. Everything started here is stopped by `stop()`. */
export async function startRuntime(config: ResolvedConfig, opts: StartOptions = {}): Promise<RunningRuntime> {
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? config.runtime.log_level });
  const metrics = createMetrics();
  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        logger.error({ err: e }, "error while stopping");
      }
    }
  };
  try {
    const state = openStateStore(config.runtime.session_state_path, { logger, telemetry: metrics });
    cleanups.push(() => state.close());
    logger.info({ path: state.path, backend: state.backend, sessions: state.sessionCount() }, "session state store open");
    const hub = createDecisionHub({ eventName: config.runtime.decision_event });
    const defender = await buildDefender(config, { logger, telemetry: metrics, sinks: [state, hub] });
    await defender.start();
    cleanups.push(() => defender.stop());
    const pipeline = createPipeline({ config, defender, telemetry: metrics, logger, sinks: [state, hub] });
    cleanups.push(() => pipeline.stop());
    const sampler = startMemorySampler({ intervalSecs: config.runtime.memory_sample_secs, telemetry: metrics, logger });
    cleanups.push(() => sampler.stop());

    let sidecar: Sidecar | undefined;
    if (!opts.noGateway) sidecar = (opts.sidecarFactory ?? createSidecar)({ config, pipeline, defender, telemetry: metrics, logger });
    const readiness = (): Readiness => (sidecar ? readinessFromStatus(sidecar.status()) : { ready: true, detail: { gateway: "disabled (--no-gateway)" } });
    metrics.onCollect(() => {
      metrics.gauge("queue_depth", pipeline.depth);
      if (!sidecar) return;
      const st = sidecar.status();
      metrics.gauge("gateway_connected", st.connected ? 1 : 0);
      metrics.gauge("gateway_scopes_ok", st.scopesOk ? 1 : 0);
      metrics.gauge("gateway_reconnects", st.reconnects);
      metrics.gauge("gateway_plugin_seen", st.pluginSeen ? 1 : 0);
    });

    let server: HttpServer | undefined;
    let http: { host: string; port: number; url: string } | undefined;
    if (config.server.enabled) {
      // Loaded only when the API is on: Fastify is the largest dependency on the service path.
      const { createHttpServer } = await import("../../server/http.ts");
      server = createHttpServer({ config, pipeline, metrics, logger, hub, readiness, about: () => ({ policyVersion: policyVersionOf(defender.engine.config), attestation: peekAttestation()?.digest ?? "computing", nodeTuning: hasRuntimeFlags(process.execArgv) ? "on" : "off", compileCache: getCompileCacheDir() ? "on" : "off" }), ...(opts.host ? { host: opts.host } : {}), ...(opts.port !== undefined ? { port: opts.port } : {}) });
      try {
        http = await server.listen();
      } catch (e) {
        throw new ClawShieldError(ErrorCode.CONFIG_INVALID, `cannot listen on ${opts.host ?? config.server.host}:${opts.port ?? config.server.port}: ${(e as Error).message}. Fix: pick a free port (server.port, --port) or stop the other process.`, {}, e);
      }
      // Stopped right after the sidecar (cleanups run in reverse): no new requests while the pipeline drains.
      const s = server;
      cleanups.push(() => s.close());
      logger.info({ url: http.url, endpoints: ["/healthz", "/readyz", "/metrics", "POST /v1/evaluate", "GET /v1/decisions/stream"] }, `HTTP API listening on ${http.url}`);
    } else {
      logger.info("HTTP API disabled (server.enabled = false)");
    }

    if (sidecar) {
      const sc = sidecar;
      cleanups.push(() => sc.stop());
      try {
        await sc.start();
      } catch (e) {
        logger.error({ err: e }, "Gateway sidecar failed to start; the HTTP API keeps serving and /readyz reports not ready");
      }
      // Say clearly when the Gateway is not reachable (the sidecar retries on its own).
      let lastWarn = 0;
      let wasConnected = false;
      const check = (): void => {
        const st = sc.status();
        if (st.connected && !wasConnected) logger.info({ url: st.url, scopesOk: st.scopesOk, missingScopes: st.missingScopes }, `Gateway connected at ${st.url}`);
        if (!st.connected && Date.now() - lastWarn >= 60_000) {
          lastWarn = Date.now();
          logger.warn(
            { url: st.url, lastError: st.lastError, reconnects: st.reconnects },
            `Gateway not reachable at ${st.url}${st.lastError ? ` (${st.lastError})` : ""}; retrying in the background${http ? `; the HTTP API keeps serving on ${http.url}` : ""}. Fix: start the OpenClaw Gateway or set gateway.url / CLAWSHIELD_GATEWAY_URL.`,
          );
        }
        wasConnected = st.connected;
      };
      const first = setTimeout(check, opts.watchMs ?? 2000);
      const every = setInterval(check, Math.max(opts.watchMs ?? 5000, 100));
      first.unref();
      every.unref();
      cleanups.push(() => {
        clearTimeout(first);
        clearInterval(every);
      });
    }

    // systemd (Type=notify): READY once serving, then watchdog pings while the event loop is alive.
    const notifier = createSdNotifier();
    if (notifier.active) {
      notifier.ready();
      const every = watchdogIntervalMs();
      if (every !== undefined) {
        const t = setInterval(() => notifier.watchdog(), every);
        t.unref();
        cleanups.push(() => clearInterval(t));
      }
      cleanups.push(() => notifier.stopping());
    }

    let stopping: Promise<void> | undefined;
    return {
      config,
      ...(http ? { http } : {}),
      pipeline,
      ...(sidecar ? { sidecar } : {}),
      state,
      metrics,
      stop() {
        stopping ??= (async () => {
          logger.info("stopping");
          await runCleanups();
          logger.info("stopped");
        })();
        return stopping;
      },
    };
  } catch (e) {
    await runCleanups();
    throw e;
  }
}

/**
 * Runs this command again with the runtime flags. Where the platform allows (process.execve), the
 * process replaces itself: same PID, signals and stdio, and no parent left holding ~100 MB. Else it
 * runs a child (stdio shared, signals forwarded) and returns its exit code; if the child cannot be
 * started, says so and returns 1. The new process gets Node's compile cache
 * (src/service/compile-cache.ts), filled first by a short warm-up run, so the service never loads
 * Node's TypeScript stripper.
 */
async function runReexecuted(stateDir: string): Promise<number> {
  const { args, env } = reexecCommand();
  if (env.NODE_COMPILE_CACHE === undefined) {
    const cache = serviceCompileCache(stateDir);
    if (cache.ok) {
      env.NODE_COMPILE_CACHE = cache.dir;
      const warm = await warmCompileCache(args, env);
      if (!warm.ok) process.stderr.write(`clawshield start: the compile-cache warm-up failed (${warm.reason}); starting anyway, with Node's TypeScript stripper loaded (about 10-20 MB more memory).\n`);
    } else if (!cache.off) {
      process.stderr.write(`clawshield start: running without Node's compile cache (about 10-20 MB more memory): ${cache.reason}. Fix: make the folder private to this user, or set CLAWSHIELD_COMPILE_CACHE to a private folder (or to off).\n`);
    }
  }
  if (typeof process.execve === "function") {
    try {
      process.execve(process.execPath, [process.execPath, ...args], env);
    } catch (e) {
      process.stderr.write(`clawshield start: could not replace this process (${(e as Error).message}); running the service as a child instead.\n`);
    }
  }
  const child = spawn(process.execPath, args, { stdio: "inherit", env });
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGUSR2"];
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  for (const s of signals) process.on(s, forward);
  try {
    return await new Promise<number>((resolve) => {
      child.once("error", (e) => {
        process.stderr.write(`clawshield start: could not start ${process.execPath} with the runtime flags: ${e.message}. Fix: set CLAWSHIELD_NODE_TUNING=off to run without them.\n`);
        resolve(ExitCode.internal);
      });
      child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : ExitCode.internal)));
    });
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

/**
 * The warm-up run's work (runReexecuted; the sidecar bench does the same): load what startRuntime
 * loads lazily too, then write the compile cache. Everything else is loaded by this module's imports.
 */
export async function warmServiceModules(): Promise<void> {
  await import("../../server/http.ts");
  if (getCompileCacheDir()) flushCompileCache();
}

/** Runs `start` once with WARM_ONLY set: it loads every module the service loads, writes the cache and exits. */
function warmCompileCache(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...env, [WARM_ONLY_ENV]: "1" } });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 4096) stderr += String(c);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: e.message });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, reason: `exit ${code ?? signal}${stderr ? `: ${stderr.trim().slice(0, 500)}` : ""}` });
    });
  });
}

export function registerSidecarCommands(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("run the Gateway sidecar and the HTTP API until SIGINT/SIGTERM (npm start)")
    .option("-c, --config <file>", "config file (default ./clawshield.toml, then ./openclaw-rs.toml)")
    .option("--audit-only", "never block: the most severe outcome becomes review")
    .option("--no-gateway", "serve the HTTP API only, without a Gateway connection")
    .option("--host <address>", "HTTP bind address (overrides server.host)")
    .option("--port <n>", "HTTP port (overrides server.port; 0 = any free port)")
    .action(async (opts: { config?: string; auditOnly?: boolean; gateway?: boolean; host?: string; port?: string }) => {
      const config = ctx.loadConfig({ ...(opts.config ? { config: opts.config } : {}), ...(opts.auditOnly ? { auditOnly: true } : {}) });
      // The runtime's memory settings are Node flags (src/service/node-flags.ts): start again with
      // them when this process was started without (config errors above are reported first).
      if (ctx.allowReexec !== false && shouldReexec()) {
        ctx.setExitCode(await runReexecuted(config.runtime.state_dir));
        return;
      }
      if (process.env[WARM_ONLY_ENV] === "1") {
        await warmServiceModules();
        ctx.setExitCode(0);
        return;
      }
      let port: number | undefined;
      if (opts.port !== undefined) {
        port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ClawShieldError(ErrorCode.CONFIG_INVALID, `--port ${opts.port} is not a port number (0-65535).`);
      }
      const rt = await startRuntime(config, { noGateway: opts.gateway === false, ...(opts.host ? { host: opts.host } : {}), ...(port !== undefined ? { port } : {}) });
      // Modules compiled since the warm-up (or on a first start without one) are cached for the next start.
      if (getCompileCacheDir()) flushCompileCache();
      await new Promise<void>((resolve) => {
        // Idempotent: under a re-executing parent (the fallback where process.execve is missing),
        // Ctrl-C reaches this process twice (from the terminal and forwarded); the second must not
        // kill it mid-stop.
        let stopping = false;
        const onSignal = (): void => {
          if (stopping) return;
          stopping = true;
          void rt.stop().finally(() => {
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
            resolve();
          });
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      });
      ctx.setExitCode(0);
    });

  program
    .command("replay")
    .description("run recorded Gateway frames (JSONL, one frame per line; Action JSON lines too) through the pipeline offline; prints one security.decision frame per decided line")
    .argument("<frames.jsonl>", "recorded frames, one JSON object per line ('-' for stdin)")
    .option("-c, --config <file>", "config file")
    .option("--audit-only", "never block")
    .option("--dry-run", "do not write quarantine records or the decision log")
    .option("--lookups", "run the online lookups (VirusTotal) too; off by default in replay")
    .option("--full", "print {frame, decision} per line (the full decision next to the compatible frame)")
    .option("-o, --out <file>", "write the decision lines to a file instead of stdout")
    .action(async (file: string, opts: { config?: string; auditOnly?: boolean; dryRun?: boolean; lookups?: boolean; full?: boolean; out?: string }) => {
      const config = ctx.loadConfig({ ...(opts.config ? { config: opts.config } : {}), ...(opts.auditOnly ? { auditOnly: true } : {}) });
      if (file !== "-" && !existsSync(file)) throw new ClawShieldError(ErrorCode.INPUT_INVALID, `cannot read ${file}: no such file. Fix: pass a JSONL file of recorded frames (or '-' for stdin).`);
      const logger = createLogger({ level: config.runtime.log_level === "info" ? "warn" : config.runtime.log_level });
      const summary = await replay(ctx, config, file, { logger, dryRun: opts.dryRun === true, lookups: opts.lookups === true, full: opts.full === true, ...(opts.out ? { out: opts.out } : {}) });
      ctx.stderr.write(
        `replay: ${summary.lines} lines, ${summary.decided} decided (allow ${summary.byAction.allow}, review ${summary.byAction.review}, block ${summary.byAction.block}), skipped ${summary.skipped.malformed + summary.skipped.oversized + summary.skipped.notActionable} (malformed ${summary.skipped.malformed}, oversized ${summary.skipped.oversized}, not actionable ${summary.skipped.notActionable})\n`,
      );
      ctx.setExitCode(ExitCode.allow);
    });
}

export interface ReplaySummary {
  lines: number;
  decided: number;
  byAction: Record<DecisionAction, number>;
  skipped: { malformed: number; oversized: number; notActionable: number };
}

/**
 * One recorded line → an action to submit, or why it is skipped. Live Gateway frames go through
 * the sidecar's own converter (observeFrame: session.message, session.tool, agent tool events);
 * older Rust-era frames (an `agent` event or an unhandled `req` carrying prompt/command/url/file)
 * through the Rust-compatible extraction (actionFromFrame); plain Action JSON lines are accepted too.
 * Responses (`res`/`resp`) and the observer's deliberate skips (assistant messages, lifecycle and
 * output streams) are not actionable.
 */
export function actionFromRecorded(obj: unknown, maxBytes: number): { action: Action; meta: SubmitMeta } | { skip: "malformed" | "oversized" | "not_actionable"; why: string } {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return { skip: "malformed", why: "line is not a JSON object" };
  const f = obj as { type?: unknown; event?: unknown; payload?: unknown };
  try {
    const o = observeFrame(obj, maxBytes);
    if (o) return o.action ? { action: o.action, meta: o.meta } : { skip: "not_actionable", why: `${o.type} without content` };
  } catch (e) {
    if (e instanceof FrameError) return { skip: e.reason === "oversized" ? "oversized" : "malformed", why: e.message };
    throw e;
  }
  if (f.type === "res" || f.type === "resp" || f.type === "error") return { skip: "not_actionable", why: `a ${String(f.type)} frame` };
  // Only the Rust-era shapes fall back: an `agent` event without a stream, or a `req`. Every other
  // event (chat replies, session.message rows the observer skipped, ticks, presence) is not an action.
  const rustAgent = f.type === "event" && f.event === "agent" && !(typeof f.payload === "object" && f.payload !== null && "stream" in f.payload);
  if (f.type === "event" && !rustAgent) return { skip: "not_actionable", why: `event ${String(f.event)} is not an action` };
  try {
    const action = isGatewayFrame(obj) ? actionFromFrame(obj) : f.type === undefined ? parseAction(obj, { source: "replay" }) : undefined;
    if (!action) return { skip: "not_actionable", why: `${String(f.type)} frame without payload` };
    const actionable = [action.text, action.command, action.url, action.file, action.toolOutput, action.params].some((v) => v !== undefined);
    return actionable ? { action, meta: {} } : { skip: "not_actionable", why: "no text, command, URL, file, params or tool output" };
  } catch (e) {
    if (isClawShieldError(e)) return { skip: "malformed", why: e.message };
    throw e;
  }
}

async function replay(ctx: CliContext, config: ResolvedConfig, file: string, opts: { logger: Logger; dryRun: boolean; lookups: boolean; full: boolean; out?: string }): Promise<ReplaySummary> {
  const { logger } = opts;
  const eventName = config.runtime.decision_event;
  const defender = await buildDefender(config, { logger, evidence: !opts.dryRun, lookups: opts.lookups });
  await defender.start();
  const pipeline = createPipeline({ config, defender, logger });
  const out: NodeJS.WritableStream = opts.out ? createWriteStream(opts.out, { encoding: "utf8" }) : ctx.stdout;
  const summary: ReplaySummary = { lines: 0, decided: 0, byAction: { allow: 0, review: 0, block: 0 }, skipped: { malformed: 0, oversized: 0, notActionable: 0 } };
  const pending: Promise<string>[] = [];
  const window = Math.max(1, Math.min(config.runtime.max_queue, 4 * config.runtime.worker_concurrency));
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  const flushDone = async (all: boolean): Promise<void> => {
    while (pending.length > 0 && (all || pending.length >= window)) await write(await pending.shift()!);
  };
  try {
    const input = file === "-" ? ctx.stdin : createReadStream(file, "utf8");
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === "") continue;
      summary.lines++;
      if (Buffer.byteLength(line, "utf8") > config.runtime.max_frame_bytes) {
        summary.skipped.oversized++;
        logger.warn({ line: lineNo, bytes: Buffer.byteLength(line, "utf8"), max: config.runtime.max_frame_bytes }, "replay: oversized line skipped");
        continue;
      }
      let obj: unknown;
      try {
        obj = JSON.parse(line) as unknown;
      } catch (e) {
        summary.skipped.malformed++;
        logger.warn({ line: lineNo, error: (e as Error).message }, "replay: line is not valid JSON; skipped");
        continue;
      }
      const r = actionFromRecorded(obj, config.runtime.max_frame_bytes);
      if ("skip" in r) {
        if (r.skip === "malformed" || r.skip === "oversized") {
          summary.skipped[r.skip]++;
          logger.warn({ line: lineNo, error: r.why }, `replay: ${r.skip} frame skipped`);
        } else {
          summary.skipped.notActionable++;
          logger.debug({ line: lineNo, why: r.why }, "replay: frame not actionable");
        }
        continue;
      }
      const { action } = r;
      pending.push(
        pipeline.submit(action, r.meta).then((d: Decision) => {
          summary.decided++;
          summary.byAction[d.action]++;
          const frame = toDecisionEvent(action, d, eventName);
          return `${JSON.stringify(opts.full ? { frame, decision: d } : frame)}\n`;
        }),
      );
      await flushDone(false);
    }
    await flushDone(true);
  } finally {
    await pipeline.stop();
    await defender.stop();
    if (opts.out) await new Promise<void>((r) => (out as NodeJS.WritableStream & { end(cb: () => void): void }).end(() => r()));
  }
  return summary;
}
