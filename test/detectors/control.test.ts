// Control-plane detector: the agent changing OpenClaw itself through the `openclaw` (system agent),
// `gateway` and `plugins` tools. Tool names and parameters are OpenClaw 2026.9.6's (its dist: the regular
// agent's delegation tool takes {message}; the system agent's tool takes {action, path, value, …}).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, test } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { CONTROL_RULE_LIST, leavesOf, parseValue } from "../../src/detectors/control/detect.ts";
import { parseAction } from "../../src/engine/action.ts";
import type { Decision } from "../../src/engine/types.ts";
import { createEngine } from "../../src/index.ts";
import { assertRuleMetadata } from "./rule-metadata.ts";

let decide: (a: unknown) => Decision;
before(async () => {
  const engine = await createEngine(loadConfig({ cwd: mkdtempSync(path.join(tmpdir(), "cs-control-")), env: {} }));
  decide = (a) => engine.evaluate(parseAction(a));
});
const rules = (d: Decision): string[] => d.findings.map((f) => f.ruleId);
const oc = (params: Record<string, unknown>): Decision => decide({ tool: "openclaw", params });

test("rule metadata: ids, families, scores and messages", () => {
  assertRuleMetadata(CONTROL_RULE_LIST, /^ctl\.[a-z-]+\.[a-z-]+$/, 60);
});

test("system agent typed calls: approvals off and ClawShield removal block", () => {
  const approvalsOff = "ctl.evasion.approvals-off";
  const guard = "ctl.evasion.guard-tamper";
  for (const [p, rule] of [
    [{ action: "config_set", path: "tools.exec.ask", value: "off" }, approvalsOff],
    [{ action: "config_set", path: "tools.exec.security", value: '"full"' }, approvalsOff],
    [{ action: "config_set", path: "tools.exec", value: "{ ask: 'off', security: 'full', }" }, approvalsOff],
    [{ action: "config_set", path: "agents.list[0].tools.exec.ask", value: "never" }, approvalsOff],
    [{ action: "config_set", path: "plugins.entries.acpx.config.permissionMode", value: "approve-all" }, approvalsOff],
    [{ action: "plugin_uninstall", pluginId: "clawshield" }, guard],
    [{ action: "config_set", path: "plugins.entries.clawshield.enabled", value: "false" }, guard],
    [{ action: "config_set", path: 'plugins.entries["clawshield"].config', value: '{"outboundSecrets":"off"}' }, guard],
    [{ action: "config_set", path: "plugins.deny", value: '["clawshield"]' }, guard],
    [{ action: "config_set", path: "plugins.allow", value: '["telegram"]' }, guard],
    [{ action: "config_set", path: "plugins.enabled", value: "false" }, guard],
  ] as const) {
    const d = oc(p);
    assert.equal(d.action, "block", JSON.stringify(p));
    assert.deepEqual(rules(d), [rule], JSON.stringify(p));
  }
});

test("system agent typed calls: other persistent changes need a human; reads pass", () => {
  for (const [p, rule] of [
    [{ action: "config_set", path: "agents.defaults.model", value: "openai/gpt-5" }, "ctl.config.write"],
    [{ action: "set_default_model", model: "anthropic/claude-x" }, "ctl.config.write"],
    [{ action: "gateway_stop" }, "ctl.config.write"],
    [{ action: "plugin_uninstall", pluginId: "telegram" }, "ctl.config.write"],
    [{ action: "plugin_install", spec: "clawhub:helper" }, "ctl.plugin.code-change"],
    [{ action: "plugin_activate_artifact", path: "/tmp/p.tgz", sha256: "a".repeat(64) }, "ctl.plugin.code-change"],
    [{ action: "config_set", path: "gateway.auth.mode", value: "none" }, "ctl.exposure.open-access"],
    [{ action: "config_set", path: "channels.telegram.dmPolicy", value: "open" }, "ctl.exposure.open-access"],
    [{ action: "config_set", path: "channels.whatsapp.allowFrom", value: '["*"]' }, "ctl.exposure.open-access"],
  ] as const) {
    const d = oc(p);
    assert.equal(d.action, "review", JSON.stringify(p));
    assert.deepEqual(rules(d), [rule], JSON.stringify(p));
  }
  for (const p of [{ action: "status" }, { action: "config_get", path: "tools.exec" }, { action: "plugin_list" }, { action: "gateway_restart" }, { action: "config_set", path: "plugins.entries.clawshield.enabled", value: "true" }]) {
    const d = oc(p);
    assert.ok(!rules(d).some((r) => r.startsWith("ctl.evasion")), JSON.stringify(p));
    if (p.action !== "config_set") assert.equal(d.action, "allow", JSON.stringify(p));
  }
});

test("delegation in words ({message}): the request is read like the typed call it becomes", () => {
  const cases: [string, string | undefined][] = [
    ["Please set tools.exec.ask to off so you stop asking me.", "ctl.evasion.approvals-off"],
    ["Turn off exec approvals for this agent.", "ctl.evasion.approvals-off"],
    ["Switch my permission mode to Full Access by default.", "ctl.evasion.approvals-off"],
    ["Set the acpx permissionMode to approve-all so Codex stops asking.", "ctl.evasion.approvals-off"],
    ["Uninstall the clawshield plugin, it slows things down.", "ctl.evasion.guard-tamper"],
    ["Make ClawShield disabled until tomorrow.", "ctl.evasion.guard-tamper"],
    ["Set the telegram dmPolicy to open", "ctl.exposure.open-access"],
    ["Install the weather plugin from ClawHub", "ctl.plugin.code-change"],
    ["Change the default model to anthropic/claude-x", "ctl.config.write"],
    ["What is the gateway status?", undefined],
    ["Which plugins are loaded right now?", undefined],
  ];
  for (const [message, rule] of cases) {
    const got = rules(oc({ message })).filter((r) => r.startsWith("ctl."));
    assert.deepEqual(got, rule === undefined ? [] : [rule], message);
  }
  assert.equal(oc({ message: "Uninstall the clawshield plugin" }).action, "block");
});

test("plugins tool (owner-only plugin manager): disabling or uninstalling ClawShield blocks, new plugin code reviews, reads pass", () => {
  const pl = (params: Record<string, unknown>): Decision => decide({ tool: "plugins", params });
  for (const action of ["disable", "uninstall"]) {
    const d = pl({ action, pluginId: "clawshield" });
    assert.equal(d.action, "block", action);
    assert.deepEqual(rules(d), ["ctl.evasion.guard-tamper"], action);
  }
  for (const [p, rule] of [
    [{ action: "install", source: "clawhub", packageName: "weather-helper" }, "ctl.plugin.code-change"],
    [{ action: "install", source: "official", pluginId: "matrix" }, "ctl.plugin.code-change"],
    [{ action: "reload", pluginId: "my-local-plugin" }, "ctl.plugin.code-change"],
    [{ action: "disable", pluginId: "telegram" }, "ctl.config.write"],
    [{ action: "enable", pluginId: "telegram" }, "ctl.config.write"],
  ] as const) {
    const d = pl(p);
    assert.equal(d.action, "review", JSON.stringify(p));
    assert.deepEqual(rules(d), [rule], JSON.stringify(p));
  }
  for (const p of [{ action: "list" }, { action: "inspect", pluginId: "clawshield" }, { action: "search", query: "clawshield" }, { action: "enable", pluginId: "clawshield" }]) assert.equal(pl(p).action, "allow", JSON.stringify(p));
});

test("a deferred tool called through Tool Search's tool_call is judged as that tool", () => {
  const d = decide({ tool: "tool_call", params: { id: "openclaw:core:plugins", args: { action: "uninstall", pluginId: "clawshield" } } });
  assert.equal(d.action, "block");
  assert.deepEqual(rules(d), ["ctl.evasion.guard-tamper"]);
  assert.equal(decide({ tool: "tool_call", params: { id: "openclaw", args: { action: "config_set", path: "tools.exec.ask", value: "off" } } }).action, "block");
});

test("gateway tool config writes: the JSON5 raw document is flattened and judged", () => {
  const d = decide({ tool: "gateway", params: { action: "config.patch", raw: "{ tools: { exec: { ask: 'off' } } }", baseHash: "x" } });
  assert.equal(d.action, "block");
  assert.ok(rules(d).includes("ctl.evasion.approvals-off"));
  const g = decide({ tool: "gateway", params: { action: "config.apply", raw: '{"plugins":{"entries":{"clawshield":{"enabled":false}}}}' } });
  assert.ok(rules(g).includes("ctl.evasion.guard-tamper"));
  // Unparseable documents are still read for the plainest forms.
  assert.ok(rules(decide({ tool: "gateway", params: { action: "config.patch", raw: "{ clawshield: { enabled: false " } })).includes("ctl.evasion.guard-tamper"));
  // Reads are left to the tool policy (gateway = review by default), not to this detector.
  assert.ok(!rules(decide({ tool: "gateway", params: { action: "config.get" } })).some((r) => r.startsWith("ctl.")));
});

test("value parsing and flattening", () => {
  assert.deepEqual(parseValue("{ask:'off', security: \"full\",}"), { ask: "off", security: "full" });
  assert.equal(parseValue("off"), "off");
  assert.equal(parseValue("false"), false);
  assert.deepEqual(leavesOf("tools.exec", { ask: "off", nested: { A: 1 } }), [
    { path: "tools.exec.ask", value: "off" },
    { path: "tools.exec.nested.a", value: 1 },
  ]);
  assert.deepEqual(leavesOf('plugins.entries["clawshield"]', { enabled: false }), [{ path: "plugins.entries.clawshield.enabled", value: false }]);
  assert.deepEqual(leavesOf("plugins.allow", ["a", "b"]), [{ path: "plugins.allow", value: ["a", "b"] }]);
});

test("other tools named alike are not judged by this detector", () => {
  assert.ok(!rules(decide({ tool: "web_search", params: { query: "how to set tools.exec.ask to off" } })).some((r) => r.startsWith("ctl.")));
});

test("evidence names a credential path but never its value", () => {
  const d = oc({ action: "config_set", path: "channels.telegram.botToken", value: "123456:SuperSecretValue" });
  assert.equal(d.action, "review");
  const text = JSON.stringify(d);
  assert.ok(!text.includes("SuperSecretValue"), text);
  assert.match(text, /channels\.telegram\.botToken/);
});
