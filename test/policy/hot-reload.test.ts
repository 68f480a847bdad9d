// Hot reload: a good bundle is applied while decisions keep flowing; a bad one (bad signature,
// rollback) is rejected, the last good policy stays, and the alert is logged, counted and written
// to the decision log as a policy_alert entry.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { buildDefender } from "../../src/defender/build.ts";
import type { Telemetry } from "../../src/defender/types.ts";
import { parseAction } from "../../src/engine/action.ts";
import type { Decision } from "../../src/engine/types.ts";
import { verifyChain } from "../../src/store/chain.ts";
import { bundleBody, makeKey, tmp, writeBundle } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("policy hot reload", () => {
  it("applies a good bundle and rejects bad ones while decisions keep flowing", async () => {
    const dir = tmp();
    const k = makeKey("ops");
    // v1 sets nothing; v2 adds a block floor for "mytool", which is visible in every decision.
    writeBundle(dir, k, bundleBody(1, "ops", ""));
    writeFileSync(
      path.join(dir, "clawshield.toml"),
      `[security]\nsigned_policy_bundle = "bundle.toml"\nsigned_policy_signature = "bundle.toml.sig"\n[runtime]\nstate_dir = "state"\ndecision_log_path = "decisions.jsonl"\n[policy]\ntrusted_keys = ["${k.entry}"]\nwatch_interval_ms = 100\n`,
    );
    const counts: string[] = [];
    const errors: string[] = [];
    const telemetry: Telemetry = { count: (n) => void counts.push(n), observe() {}, gauge() {} };
    const logger = { trace() {}, debug() {}, info() {}, warn() {}, error: (o: object | string, m?: string) => void errors.push(`${m ?? ""} ${JSON.stringify(o)}`) };
    const cfg = loadConfig({ path: path.join(dir, "clawshield.toml"), env: {}, cwd: dir });
    const d = await buildDefender(cfg, { lookups: false, telemetry, logger });
    await d.start();
    const action = () => parseAction({ tool: "mytool", text: "hello" });
    const decisions: Decision[] = [];
    const until = async (pred: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 300 && !pred(); i++) {
        decisions.push(await d.evaluate(action()));
        await sleep(20);
      }
      assert.ok(pred(), `timed out waiting for: ${what}`);
    };
    try {
      decisions.push(await d.evaluate(action()));
      assert.equal(decisions[0]!.action, "allow");
      assert.match(decisions[0]!.policyVersion ?? "", /^v1 key ops /);

      // Good update: v2 adds a block floor for the tool.
      writeBundle(dir, k, bundleBody(2, "ops", 'tool_policies = { mytool = "block" }\n'));
      await until(() => decisions.at(-1)!.policyVersion?.startsWith("v2 ") === true, "v2 applied");
      assert.equal(decisions.at(-1)!.action, "block");
      assert.ok(counts.includes("policy_reloaded"));

      // Bad update: v3 whose signature does not match.
      const other = makeKey("ops");
      writeBundle(dir, k, bundleBody(3, "ops", ""), { sigKey: other });
      await until(() => counts.includes("policy_rejected"), "v3 rejected");
      const after = await d.evaluate(action());
      assert.match(after.policyVersion ?? "", /^v2 /, "the last good policy stays");
      assert.equal(after.action, "block");
      assert.ok(errors.some((e) => /rejected/.test(e) && /CS_POLICY_REJECTED/.test(e)));

      // Rollback: a validly signed v1 is rejected too.
      const before = counts.filter((c) => c === "policy_rejected").length;
      writeBundle(dir, k, bundleBody(1, "ops", ""));
      await until(() => counts.filter((c) => c === "policy_rejected").length > before, "rollback rejected");
      assert.match((await d.evaluate(action())).policyVersion ?? "", /^v2 /);
      assert.ok(decisions.every((x) => x.action === "allow" || x.action === "block"), "every evaluation answered");
    } finally {
      await d.stop();
    }
    const log = readFileSync(path.join(dir, "decisions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const alerts = log.filter((r) => r.type === "policy_alert");
    assert.equal(alerts.length, 2);
    assert.match(alerts[0].reason, /does not verify/);
    assert.match(alerts[1].reason, /rollback/);
    assert.ok(log.some((r) => r.type === "policy_update"));
    assert.equal(verifyChain(path.join(dir, "decisions.jsonl")).ok, true);
    const state = JSON.parse(readFileSync(path.join(dir, "state", "policy-state.json"), "utf8"));
    assert.equal(state.highestVersion, 2);
  });
});
