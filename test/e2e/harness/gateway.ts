/**
 * Start a REAL OpenClaw Gateway (node_modules/openclaw) in a fresh temp HOME for end-to-end tests.
 *
 * Layout of one gateway's temp dir (`root`, removed by stop() unless CLAWSHIELD_E2E_KEEP=1):
 *   root/home                  HOME
 *   root/home/.openclaw        OPENCLAW_STATE_DIR (SQLite state, sessions, approvals)
 *   root/home/.openclaw/openclaw.json   OPENCLAW_CONFIG_PATH
 *   root/work                  agent workspace (cwd of exec)
 *   root/gateway.log           child stdout + stderr (the "[reload] ..." lines are here)
 *   root/openclaw.log          OpenClaw's JSON-lines file log (logging.file), instead of /tmp/openclaw
 *
 * The gateway runs in its own process group; stop() sends SIGTERM, waits for exit and SIGKILLs the
 * group after 10 s. A process 'exit'/signal safety net kills every gateway still running.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readSync, fstatSync, renameSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer, connect as netConnect } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { connectOperator } from "./client.ts";

export type JsonObject = { [key: string]: unknown };
export type ExecMode = "full" | "ask" | "allowlist" | "deny" | "auto";

export interface StartGatewayOptions {
  /** Fake LLM base URL (`http://127.0.0.1:<port>/v1`), or the handle returned by startFakeLlm(). */
  llm: string | { baseUrl: string };
  /** Model API flavour of the fake provider; default "openai-completions". */
  api?: "openai-completions" | "openai-responses";
  /** tools.exec.mode with host "gateway"; default "full" (no approvals). */
  execMode?: ExecMode;
  /** Extra plugin directories (plugins.load.paths). */
  pluginPaths?: string[];
  /** plugins.entries (e.g. `{ clawshield: { enabled: true, config: {...} } }`). */
  pluginEntries?: Record<string, unknown>;
  /** Deep-merged over the generated config last (objects merge, arrays replace, null deletes). */
  config?: JsonObject;
  /** Gateway port; default a free loopback port. */
  port?: number;
  /** Shared auth token; default random. */
  token?: string;
  /** Bound on start/restart until a client gets hello-ok; default 60 s. */
  readyTimeoutMs?: number;
  /** Extra environment for the gateway process. */
  env?: Record<string, string>;
  /** Extra CLI args appended to `gateway run ...` (e.g. ["--verbose"]). */
  extraArgs?: string[];
  /** Keep the temp dir after stop(); default false unless env CLAWSHIELD_E2E_KEEP=1. */
  keepTempDir?: boolean;
}

export interface ApplyConfigOptions {
  /** Replace the whole config instead of deep-merging the patch; default false. */
  replace?: boolean;
  /** Bound on waiting for the reload log line; default 15 s. */
  timeoutMs?: number;
}

export interface GatewayHandle {
  port: number;
  /** `ws://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** Temp dir holding everything below (removed by stop() unless kept). */
  root: string;
  home: string;
  stateDir: string;
  /** Agent workspace (cwd of exec commands). */
  workDir: string;
  configPath: string;
  /** Gateway stdout + stderr. */
  logPath: string;
  /** OpenClaw's JSON-lines file log (logging.file). */
  fileLogPath: string;
  /** PID of the running gateway process (undefined while stopped). */
  readonly pid: number | undefined;
  /** Current config as written to disk (a copy). */
  readonly config: JsonObject;
  /** Milliseconds from spawn to hello-ok of the last (re)start. */
  readonly startupMs: number;
  /**
   * Deep-merge `patch` into the config (null deletes a key; arrays replace), rewrite the file atomically
   * and wait for `[reload] config hot reload applied` (or `config change applied (dynamic reads …)`) in
   * the gateway log (bounded). Rejects when the
   * gateway logs that it skipped the reload or needs a restart (then call restart()).
   */
  applyConfig(patch: JsonObject, opts?: ApplyConfigOptions): Promise<void>;
  /** Wait (bounded) for a regex to match gateway.log content written after byte offset `since`. */
  waitForLog(re: RegExp, timeoutMs?: number, since?: number): Promise<string>;
  /** Current size of gateway.log, to use as `since` for waitForLog. */
  logOffset(): number;
  /** Whole gateway.log (for failure messages). */
  readLog(): string;
  /** SIGTERM, wait for exit, SIGKILL the process group after 10 s; removes the temp dir. Idempotent. */
  stop(opts?: { keepTempDir?: boolean }): Promise<void>;
  /** Stop and start again on the same port with the same HOME, config and token. */
  restart(): Promise<void>;
}

const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));
/** Repository root (…/test/e2e/harness -> …). */
export const REPO_ROOT = resolve(HARNESS_DIR, "..", "..", "..");
export const OPENCLAW_ENTRY = join(REPO_ROOT, "node_modules", "openclaw", "openclaw.mjs");
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const RELOAD_TIMEOUT_MS = 15_000;

/** The Node >= 24 binary to run OpenClaw with. */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 24) return process.execPath;
  const local = join(REPO_ROOT, "node_modules", ".bin", "node");
  if (existsSync(local)) return local;
  throw new Error(`OpenClaw needs Node >= 24; running ${process.version} and ${local} is missing (npm install)`);
}

/** A free TCP port on 127.0.0.1 (listen on 0, read, close). */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge recursively, arrays and scalars replace, `null` deletes the key. */
export function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key] as JsonObject, value);
    else if (isPlainObject(value)) out[key] = deepMerge({}, value);
    else out[key] = value;
  }
  return out;
}

/** The generated OpenClaw config (exported so tests can inspect or extend it). */
export function buildGatewayConfig(p: {
  llmBaseUrl: string;
  workDir: string;
  fileLogPath: string;
  api?: StartGatewayOptions["api"];
  execMode?: ExecMode;
  pluginPaths?: string[];
  pluginEntries?: Record<string, unknown>;
  extra?: JsonObject;
}): JsonObject {
  const config: JsonObject = {
    gateway: { mode: "local" },
    logging: { file: p.fileLogPath },
    agents: { defaults: { model: { primary: "fake/fake-model" }, workspace: p.workDir } },
    models: {
      mode: "merge",
      providers: {
        fake: {
          baseUrl: p.llmBaseUrl,
          apiKey: "fake-local",
          api: p.api ?? "openai-completions",
          timeoutSeconds: 60,
          models: [
            {
              id: "fake-model",
              name: "Fake scripted model",
              reasoning: false,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    },
    tools: { exec: { host: "gateway", mode: p.execMode ?? "full" } },
  };
  if (p.pluginPaths?.length || p.pluginEntries) {
    const plugins: JsonObject = {};
    if (p.pluginPaths?.length) plugins.load = { paths: p.pluginPaths };
    if (p.pluginEntries) plugins.entries = p.pluginEntries;
    config.plugins = plugins;
  }
  return p.extra ? deepMerge(config, p.extra) : config;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = netConnect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** Read a file from byte offset `from` (returns "" if missing). */
function readFrom(path: string, from: number): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= from) return "";
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;]*m/g;
/** Remove terminal colour codes (the gateway colours its console log when it thinks it may). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, "");
}

function fileSize(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return 0;
  }
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Safety net: kill every live gateway process group if this process exits or is signalled.

const liveGroups = new Set<number>();
/** Temp dirs to delete if the process exits without stop() (gateway pid -> root). */
const liveRoots = new Map<number, string>();
let safetyNetInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

function killAllLive(): void {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
  for (const root of liveRoots.values()) {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      // best effort: a dying gateway may still be writing
    }
  }
  liveRoots.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllLive();
  uninstallSafetyNet();
  // Re-raise with the default behaviour when nobody else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
const signalHandlers: Array<[NodeJS.Signals, () => void]> = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [
  s,
  () => onSignal(s),
]);
function onExit(): void {
  killAllLive();
}

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on("exit", onExit);
  for (const [s, h] of signalHandlers) process.on(s, h);
}
function uninstallSafetyNet(): void {
  if (!safetyNetInstalled) return;
  safetyNetInstalled = false;
  process.off("exit", onExit);
  for (const [s, h] of signalHandlers) process.off(s, h);
}

// ---------------------------------------------------------------------------------------------

export async function startGateway(opts: StartGatewayOptions): Promise<GatewayHandle> {
  const root = mkdtempSync(join(tmpdir(), "clawshield-e2e-"));
  const home = join(root, "home");
  const stateDir = join(home, ".openclaw");
  const workDir = join(root, "work");
  const configPath = join(stateDir, "openclaw.json");
  const logPath = join(root, "gateway.log");
  const fileLogPath = join(root, "openclaw.log");
  const tmpDir = join(root, "tmp");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  mkdirSync(tmpDir, { recursive: true });

  const llmBaseUrl = typeof opts.llm === "string" ? opts.llm : opts.llm.baseUrl;
  const token = opts.token ?? `e2e-${randomBytes(12).toString("hex")}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const keepByDefault = opts.keepTempDir ?? process.env.CLAWSHIELD_E2E_KEEP === "1";

  let config = buildGatewayConfig({
    llmBaseUrl,
    workDir,
    fileLogPath,
    ...(opts.api ? { api: opts.api } : {}),
    ...(opts.execMode ? { execMode: opts.execMode } : {}),
    ...(opts.pluginPaths ? { pluginPaths: opts.pluginPaths } : {}),
    ...(opts.pluginEntries ? { pluginEntries: opts.pluginEntries } : {}),
    ...(opts.config ? { extra: opts.config } : {}),
  });
  writeJsonAtomic(configPath, config);

  let port = opts.port ?? (await freePort());
  let url = `ws://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Do not leak the caller's OpenClaw setup or node test-runner plumbing into the gateway.
    if (k.startsWith("OPENCLAW_") || k === "NODE_TEST_CONTEXT" || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_DISABLE_BONJOUR: "1",
    OPENCLAW_SKIP_CHANNELS: "1",
    OPENCLAW_NO_RESPAWN: "1",
    OPENCLAW_EXEC_SHELL_SNAPSHOT: "0",
    // Own temp dir: gateways otherwise share locks such as /tmp/.openclaw-terminal-staging-<uid>.
    TMPDIR: tmpDir,
    NO_COLOR: "1",
    ...opts.env,
  });

  const buildArgs = (): string[] => [
    OPENCLAW_ENTRY,
    "gateway",
    "run",
    "--allow-unconfigured",
    "--bind",
    "loopback",
    "--port",
    String(port),
    "--auth",
    "token",
    "--token",
    token,
    ...(opts.extraArgs ?? []),
  ];

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let startupMs = 0;
  let stopping: Promise<void> | undefined;
  let removed = false;

  const readLog = (): string => stripAnsi(readFrom(logPath, 0));
  const logTail = (chars = 4000): string => {
    const all = readLog();
    return all.length > chars ? `…${all.slice(-chars)}` : all;
  };

  const spawnGateway = (): void => {
    const fd = openSync(logPath, "a");
    try {
      child = spawn(nodeBinary(), buildArgs(), {
        cwd: REPO_ROOT,
        env,
        detached: true, // own process group: stop() can kill the gateway's worker children too
        stdio: ["ignore", fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const c = child;
    // Do not keep the test process alive for a forgotten gateway: the exit safety net kills it.
    c.unref();
    exitInfo = undefined;
    exited = new Promise<void>((res) => {
      c.once("exit", (code, signal) => {
        // The group stays registered until stopProcess() sweeps leftover workers.
        exitInfo = { code, signal };
        res();
      });
      c.once("error", (err) => {
        exitInfo = { code: null, signal: null };
        writeFileSync(logPath, `\n[harness] spawn error: ${String(err)}\n`, { flag: "a" });
        res();
      });
    });
    if (c.pid !== undefined) {
      liveGroups.add(c.pid);
      if (!keepByDefault) liveRoots.set(c.pid, root);
      installSafetyNet();
    }
  };

  const stopProcess = async (): Promise<void> => {
    const c = child;
    if (!c || c.pid === undefined) return;
    const pid = c.pid;
    if (!exitInfo) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        killGroup(pid, "SIGKILL");
        await Promise.race([exited, sleep(5000)]);
      }
    }
    // Sweep any leftover worker in the group (no-op when the gateway cleaned up itself).
    killGroup(pid, "SIGKILL");
    liveGroups.delete(pid);
    liveRoots.delete(pid);
    if (liveGroups.size === 0) uninstallSafetyNet();
    child = undefined;
  };

  const waitReady = async (): Promise<void> => {
    const t0 = Date.now();
    const deadline = t0 + readyTimeoutMs;
    const fail = (why: string): Error =>
      new Error(`OpenClaw gateway on port ${port} did not become ready: ${why}\n--- ${logPath} (tail) ---\n${logTail()}`);
    // 1. Poll TCP until the listener is up (the client's own reconnect backoff grows to 30 s).
    for (;;) {
      if (exitInfo) throw fail(`process exited early (code ${exitInfo.code}, signal ${exitInfo.signal})`);
      if (Date.now() > deadline) throw fail(`no TCP listener after ${readyTimeoutMs} ms`);
      if (await tcpOpen(port)) break;
      await sleep(250);
    }
    // 2. A real client handshake until hello-ok (the client retries "startup-sidecars" itself).
    const remaining = Math.max(1000, deadline - Date.now());
    let op: Awaited<ReturnType<typeof connectOperator>> | undefined;
    try {
      op = await Promise.race([
        connectOperator({ url, token, scopes: ["operator.read"], caps: [], timeoutMs: remaining }),
        exited.then(() => {
          throw fail(`process exited during handshake (code ${exitInfo?.code}, signal ${exitInfo?.signal})`);
        }),
      ]);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith("OpenClaw gateway")) throw err;
      throw fail(String(err));
    } finally {
      await op?.close();
    }
    startupMs = Date.now() - t0;
  };

  const start = async (): Promise<void> => {
    writeFileSync(logPath, `[harness] ${new Date().toISOString()} starting gateway on port ${port}\n`, { flag: "a" });
    spawnGateway();
    try {
      await waitReady();
    } catch (err) {
      await stopProcess();
      throw err;
    }
  };

  const waitForLog = async (re: RegExp, timeoutMs = RELOAD_TIMEOUT_MS, since = 0): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = stripAnsi(readFrom(logPath, since));
      const m = re.exec(text);
      if (m) return m[0];
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${re} in ${logPath}\n--- tail ---\n${logTail()}`);
      }
      if (exitInfo) throw new Error(`gateway exited while waiting for ${re}\n--- tail ---\n${logTail()}`);
      await sleep(100);
    }
  };

  const removeTempDir = (): void => {
    if (removed) return;
    removed = true;
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err) {
      process.stderr.write(`[e2e harness] could not remove ${root}: ${String(err)}\n`);
    }
  };

  // A random port can be taken between freePort() and the gateway's bind ~10 s later: retry.
  for (let attempt = 1; ; attempt++) {
    if (opts.port === undefined && (await tcpOpen(port))) {
      port = await freePort(); // someone took it already
      url = `ws://127.0.0.1:${port}`;
    }
    const logStart = fileSize(logPath);
    try {
      await start();
      break;
    } catch (err) {
      const portTaken = /EADDRINUSE|already in use/.test(stripAnsi(readFrom(logPath, logStart)));
      if (portTaken && opts.port === undefined && attempt < 3) {
        port = await freePort();
        url = `ws://127.0.0.1:${port}`;
        continue;
      }
      if (!keepByDefault) removeTempDir();
      throw err;
    }
  }

  const handle: GatewayHandle = {
    port,
    url,
    token,
    root,
    home,
    stateDir,
    workDir,
    configPath,
    logPath,
    fileLogPath,
    get pid() {
      return exitInfo ? undefined : child?.pid;
    },
    get config() {
      return structuredClone(config);
    },
    get startupMs() {
      return startupMs;
    },
    async applyConfig(patch, applyOpts = {}) {
      if (stopping) throw new Error("gateway is stopped");
      const next = applyOpts.replace ? structuredClone(patch) : deepMerge(config, patch);
      if (JSON.stringify(next) === JSON.stringify(config)) return; // nothing to reload
      const since = fileSize(logPath);
      config = next;
      writeJsonAtomic(configPath, config);
      const line = await waitForLog(
        /\[reload\][^\n]*(config hot reload applied|config change applied|config reload skipped|requires gateway restart)[^\n]*/,
        applyOpts.timeoutMs ?? RELOAD_TIMEOUT_MS,
        since,
      );
      if (!/hot reload applied|config change applied/.test(line)) {
        throw new Error(`config was written but not hot-reloaded: ${line.trim()} (call restart() if it needs one)`);
      }
    },
    waitForLog,
    logOffset: () => fileSize(logPath),
    readLog,
    stop(stopOpts = {}) {
      stopping ??= (async () => {
        await stopProcess();
        if (!(stopOpts.keepTempDir ?? keepByDefault)) removeTempDir();
      })();
      return stopping;
    },
    async restart() {
      if (stopping) throw new Error("gateway is stopped");
      await stopProcess();
      await start();
    },
  };
  return handle;
}

/** Read the JSON config a handle wrote (handy in assertions). */
export function readConfigFile(handle: Pick<GatewayHandle, "configPath">): JsonObject {
  return JSON.parse(readFileSync(handle.configPath, "utf8")) as JsonObject;
}
