// `clawshield start` as a real child process on loopback ports with no Gateway reachable: it says so
// in the log, serves /healthz, /readyz answers 503, and SIGTERM stops it cleanly (exit 0).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, it } from "node:test";

const MAIN = path.join(import.meta.dirname, "../../src/cli/main.ts");
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A loopback port that is free right now (nothing listens on it afterwards). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

it("start with an unreachable Gateway: logs it, serves /healthz, /readyz is 503, SIGTERM exits 0", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cs-start-"));
  dirs.push(dir);
  const gatewayPort = await freePort();
  const httpPort = await freePort();
  writeFileSync(
    path.join(dir, "clawshield.toml"),
    `[gateway]\nurl = "ws://127.0.0.1:${gatewayPort}"\ntoken = "test-token"\nconnect_timeout_ms = 1000\nreconnect_max_ms = 2000\n[runtime]\nsession_state_path = "state.db"\nlog_level = "info"\n[server]\nport = ${httpPort}\n[integrity]\nenabled = false\n[virustotal]\nenabled = false\n`,
  );
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("CLAWSHIELD_") || k.startsWith("OPENCLAW_")) delete env[k];
  const child = spawn(process.execPath, [MAIN, "start"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += String(c)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const waitFor = async (re: RegExp, ms: number): Promise<void> => {
    const until = Date.now() + ms;
    while (!re.test(stderr)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${re}; stderr so far:\n${stderr}`);
      if (child.exitCode !== null) throw new Error(`start exited early (${child.exitCode}):\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitFor(/HTTP API listening on http:\/\/127\.0\.0\.1:\d+/, 20_000);
    const base = `http://127.0.0.1:${httpPort}`;
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    const h = (await health.json()) as { policyVersion?: string; attestation?: string; nodeTuning?: string; compileCache?: string };
    assert.equal(h.nodeTuning, "on", "start re-executed itself with the runtime Node flags (src/service/node-flags.ts)");
    if (existsSync(`/proc/${child.pid}/cmdline`)) {
      // process.execve: the service replaced the process that was started (same PID), no parent left behind.
      assert.ok(readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").includes("--liftoff-only"), "the started PID itself runs with the runtime flags");
    }
    assert.equal(h.compileCache, "on", "the service runs with Node's compile cache (src/service/compile-cache.ts)");
    const cache = path.join(dir, ".clawshield", "node-compile-cache");
    assert.equal(statSync(cache).mode & 0o777, 0o700, "the compile cache folder is private");
    assert.ok(readdirSync(cache).length > 0, "the warm-up run filled the compile cache");
    assert.match(h.policyVersion ?? "", /\S/, "healthz names the active policy");
    assert.match(h.attestation ?? "", /^(?:[0-9a-f]{64}|computing)$/, "healthz carries the self-attestation digest");
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { ready: boolean; reason: string };
    assert.equal(body.ready, false);
    assert.match(body.reason, new RegExp(`Gateway not connected at ws://127\\.0\\.0\\.1:${gatewayPort}`));
    await waitFor(/Gateway not reachable at ws:\/\/127\.0\.0\.1:\d+.*retrying in the background/, 20_000);
    const evalRes = await fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ command: "rm -rf /", tool: "exec" }) });
    assert.equal(((await evalRes.json()) as { action: string }).action, "block", "the HTTP API decides while the Gateway is down");
    assert.ok(!stderr.includes("test-token"), "the Gateway token is never logged");
  } finally {
    child.kill("SIGTERM");
  }
  const { code, signal } = await exited;
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /"msg":"stopped"/);
});
