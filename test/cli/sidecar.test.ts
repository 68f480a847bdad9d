// `clawshield start` wiring in-process (fake sidecar) and `clawshield replay` through runCli.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import type { CliContext } from "../../src/cli/context.ts";
import { actionFromRecorded, readinessFromStatus, startRuntime, type SidecarFactory } from "../../src/cli/commands/sidecar.ts";
import { runCli } from "../../src/cli/main.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { SidecarStatus } from "../../src/gateway/sidecar.ts";
import { createLogger } from "../../src/telemetry/logger.ts";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), "cs-cli-sidecar-"));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const HERMETIC = `[integrity]\nenabled = false\n[virustotal]\nenabled = false\n[server]\nport = 0\n[runtime]\nsession_state_path = "state.db"\nlog_level = "silent"\n`;

function cfgIn(dir: string, extra = "") {
  writeFileSync(path.join(dir, "clawshield.toml"), HERMETIC + extra);
  return loadConfig({ env: {}, cwd: dir });
}

function fakeSidecar(initial: Partial<SidecarStatus> = {}) {
  const status: { -readonly [K in keyof SidecarStatus]: SidecarStatus[K] } = { connected: false, scopesOk: false, missingScopes: [], reconnects: 0, url: "ws://127.0.0.1:9", pluginSeen: false, lastError: "ECONNREFUSED", ...initial };
  const calls: string[] = [];
  const factory: SidecarFactory = (deps) => {
    calls.push(`create:${typeof deps.pipeline.submit}`);
    return {
      async start() {
        calls.push("start");
      },
      async stop() {
        calls.push("stop");
      },
      status: () => ({ ...status }),
    };
  };
  return { status, calls, factory };
}

describe("startRuntime", () => {
  it("serves the HTTP API while the Gateway is down; /readyz follows the sidecar status; stop() stops everything", async () => {
    const dir = tmp();
    const cfg = cfgIn(dir);
    const fake = fakeSidecar();
    const rt = await startRuntime(cfg, { sidecarFactory: fake.factory, logger: createLogger({ level: "silent" }) });
    try {
      assert.ok(rt.http);
      const url = rt.http.url;
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const notReady = await fetch(`${url}/readyz`);
      assert.equal(notReady.status, 503);
      assert.match(((await notReady.json()) as { reason: string }).reason, /Gateway not connected at ws:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
      fake.status.connected = true;
      fake.status.missingScopes = ["operator.approvals"];
      const scopes = await fetch(`${url}/readyz`);
      assert.equal(scopes.status, 503);
      assert.match(((await scopes.json()) as { reason: string }).reason, /operator\.approvals/);
      fake.status.scopesOk = true;
      fake.status.missingScopes = [];
      fake.status.reconnects = 3;
      assert.equal((await fetch(`${url}/readyz`)).status, 200);

      const r = await fetch(`${url}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "e1", command: "rm -rf /", tool: "exec", sessionKey: "agent:main:discord:dm:5", channel: "discord" }) });
      assert.equal(((await r.json()) as { action: string }).action, "block");
      assert.equal(rt.state.get("agent:main:discord:dm:5")?.blocked_count, 1, "the state store is a sink of the defender");
      assert.ok(existsSync(cfg.runtime.decision_log_path), "the decision log is written");
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^clawshield_gateway_connected 1$/m);
      assert.match(metrics, /^clawshield_gateway_reconnects 3$/m);
      assert.match(metrics, /clawshield_decisions_total\{action="block",channel="discord"\} 1/);
      assert.match(metrics, /^clawshield_memory_rss_bytes \d+/m);
    } finally {
      await rt.stop();
    }
    assert.deepEqual(fake.calls, ["create:function", "start", "stop"]);
    await assert.rejects(fetch(`${rt.http!.url}/healthz`));
  });

  it("--no-gateway: HTTP only, ready at once", async () => {
    const dir = tmp();
    const rt = await startRuntime(cfgIn(dir), { noGateway: true, logger: createLogger({ level: "silent" }) });
    try {
      assert.equal(rt.sidecar, undefined);
      assert.equal((await fetch(`${rt.http!.url}/readyz`)).status, 200);
    } finally {
      await rt.stop();
    }
  });

  it("a port in use is a clear error and nothing stays open", async () => {
    const dir = tmp();
    const first = await startRuntime(cfgIn(dir), { noGateway: true, logger: createLogger({ level: "silent" }) });
    try {
      const dir2 = tmp();
      await assert.rejects(startRuntime(cfgIn(dir2), { noGateway: true, port: first.http!.port, logger: createLogger({ level: "silent" }) }), /cannot listen on .*Fix: pick a free port/);
    } finally {
      await first.stop();
    }
  });

  it("readinessFromStatus explains each state", () => {
    const base: SidecarStatus = { connected: true, scopesOk: true, missingScopes: [], reconnects: 0, url: "ws://x", pluginSeen: true };
    assert.equal(readinessFromStatus(base).ready, true);
    assert.match(readinessFromStatus({ ...base, connected: false }).reason!, /not connected/);
    assert.match(readinessFromStatus({ ...base, scopesOk: false, missingScopes: ["operator.read"] }).reason!, /operator\.read/);
  });
});

function ctxFor(cwd: string, stdin = ""): CliContext & { out: () => string; err: () => string; code: () => number | undefined } {
  let o = "";
  let e = "";
  let code: number | undefined;
  const mk = (f: (s: string) => void) => Object.assign(new PassThrough(), { write: (s: string) => (f(String(s)), true) }) as unknown as NodeJS.WriteStream;
  const input = new PassThrough();
  input.end(stdin);
  return {
    stdin: input,
    stdout: mk((s) => (o += s)),
    stderr: mk((s) => (e += s)),
    env: {},
    cwd,
    loadConfig: (opts) => loadConfig({ ...(opts.config ? { path: opts.config } : {}), env: {}, cwd, overrides: opts.auditOnly ? { "runtime.audit_only": true } : {} }),
    setExitCode: (n) => void (code = n),
    out: () => o,
    err: () => e,
    code: () => code,
  };
}

describe("replay", () => {
  const FIXTURE = path.join(import.meta.dirname, "../fixtures/frames/gateway-2026.9.6-observer.jsonl");

  it("runs recorded Gateway frames through the pipeline: one security.decision frame per actionable frame, in order", async () => {
    const dir = tmp();
    cfgIn(dir);
    const c = ctxFor(dir);
    const code = await runCli(["replay", "--dry-run", FIXTURE], c);
    assert.equal(code, 0, c.err());
    const lines = c.out().trim().split("\n").map((l) => JSON.parse(l) as { type: string; event: string; payload: { requestId: string; decision: { action: string; risk_score: number } } });
    assert.ok(lines.length >= 6, `${lines.length} decisions`);
    for (const l of lines) {
      assert.equal(l.type, "event");
      assert.equal(l.event, "security.decision");
      assert.ok(["allow", "review", "block"].includes(l.payload.decision.action));
    }
    assert.ok(lines.some((l) => l.payload.requestId.startsWith("gw-msg-")) && lines.some((l) => l.payload.requestId.startsWith("gw-tool-")));
    assert.match(c.err(), /replay: 56 lines, \d+ decided .* skipped \d+ .*not actionable \d+/);
    assert.ok(!existsSync(path.join(dir, ".clawshield", "decisions.jsonl")), "--dry-run writes no decision log");
  });

  it("Rust-era frames, Action JSON lines, malformed / oversized / non-actionable lines (logged, counted, skipped, never a crash)", async () => {
    const dir = tmp();
    cfgIn(dir, "max_frame_bytes = 2048\n");
    const frames = [
      JSON.stringify({ type: "event", event: "agent", payload: { id: "case-block-1", tool: "exec", channel: "discord", command: "rm -rf /", sessionId: "s-replay" } }),
      "{not json",
      JSON.stringify({ type: "res", id: "r1", ok: true, payload: { text: "a response is not an action" } }),
      JSON.stringify({ type: "event", event: "tick", payload: { ts: 1 } }),
      JSON.stringify({ id: "plain-1", command: "ls" }),
      JSON.stringify({ text: "x".repeat(5000) }),
      "[1,2,3]",
      JSON.stringify({ command: ["not", "a", "string"] }),
      JSON.stringify({ type: "event", event: "session.message", payload: { nope: true } }),
      "",
    ].join("\n");
    const file = path.join(dir, "frames.jsonl");
    writeFileSync(file, frames);
    const c = ctxFor(dir);
    const code = await runCli(["replay", "--full", "-o", path.join(dir, "out.jsonl"), file], c);
    assert.equal(code, 0, c.err());
    const out = readFileSync(path.join(dir, "out.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { frame: { payload: { requestId: string; decision: { action: string } } }; decision: { id: string } });
    assert.deepEqual(out.map((o) => o.frame.payload.requestId), ["case-block-1", "plain-1"]);
    assert.equal(out[0]!.frame.payload.decision.action, "block");
    assert.equal(out[0]!.decision.id, "case-block-1");
    assert.match(c.err(), /replay: 9 lines, 2 decided \(allow 1, review 0, block 1\), skipped 7 \(malformed 4, oversized 1, not actionable 2\)/);
    assert.ok(existsSync(path.join(dir, ".clawshield", "decisions.jsonl")), "without --dry-run the decision log is written");
  });

  it("reads stdin with '-' and reports a missing file as a usage error", async () => {
    const dir = tmp();
    cfgIn(dir);
    const c = ctxFor(dir, `${JSON.stringify({ text: "hello" })}\n`);
    assert.equal(await runCli(["replay", "--dry-run", "-"], c), 0);
    assert.equal(c.out().trim().split("\n").length, 1);
    const c2 = ctxFor(dir);
    assert.equal(await runCli(["replay", path.join(dir, "missing.jsonl")], c2), 2);
    assert.match(c2.err(), /no such file/);
  });

  it("actionFromRecorded: observer frames first, Rust-era fallback, skips", () => {
    assert.ok("skip" in actionFromRecorded(null, 1024));
    assert.ok("skip" in actionFromRecorded({ type: "event", event: "chat", payload: { message: { role: "assistant", content: "hi" } } }, 1024));
    assert.ok("skip" in actionFromRecorded({ type: "event", event: "agent", payload: { stream: "lifecycle", data: {} } }, 1024));
    const r = actionFromRecorded({ type: "req", id: "q1", method: "agent.exec", params: { command: "whoami" } }, 1024);
    assert.ok("action" in r && r.action.command === "whoami");
  });
});
