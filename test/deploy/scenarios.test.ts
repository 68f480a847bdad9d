// The shared scenario file (deploy/stack/scenarios.json) and the Gateway config template.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { GATEWAY_TEMPLATE_PATH, placeholdersOf, renderGatewayConfig, TEMPLATE_VARS } from "../../deploy/stack/gateway-config.ts";
import { loadScenarios, markerPathOf, renderMessage, SCENARIOS_PATH, selectScenarios, sessionKeyOf, validateScenarioFile } from "../../deploy/stack/scenarios.ts";

const file = loadScenarios(SCENARIOS_PATH);

describe("stack scenarios", () => {
  test("cover what issue 9 requires, each with an exact expected decision", () => {
    const find = (pred: (s: (typeof file.scenarios)[number]) => boolean, what: string) => assert.ok(file.scenarios.some(pred), `no scenario: ${what}`);
    const blocks = (prefix: string) => (s: (typeof file.scenarios)[number]) => s.expect.decisions.some((d) => d.action === "block" && (d.rules ?? []).some((r) => r.startsWith(prefix)));
    find((s) => blocks("cmd.reverse-shell")(s) && s.expect.marker === "absent", "blocked reverse shell");
    find((s) => blocks("cmd.download-exec")(s) && s.expect.marker === "absent" && /\|\s*sh\b/.test(s.message), "blocked download-and-execute");
    find((s) => s.kind === "benign" && s.expect.marker === "present" && s.expect.decisions.every((d) => d.action === "allow"), "allowed benign command");
    find((s) => s.expect.decisions.some((d) => d.action === "review") && (s.expect.humanResolved ?? []).length > 0, "review resolved by the scripted human");
    find((s) => s.kind === "injection" && s.expect.decisions.some((d) => d.action !== "allow" && (d.rules ?? []).some((r) => r.startsWith("inj."))), "injected chat message");
    find((s) => s.expect.quarantine !== undefined && (s.expect.quarantine.secrets ?? []).length > 0, "quarantined record (redacted)");
  });

  test("markers are made with touch (approvals refuse redirection and $(…) before asking)", () => {
    for (const s of file.scenarios) {
      if (s.expect.marker === undefined) continue;
      const msg = renderMessage(s, "/m/x.marker");
      assert.ok(msg.includes("touch /m/x.marker && "), s.id);
    }
  });

  test("validation rejects loose or inconsistent scenarios", () => {
    const base = JSON.parse(readFileSync(SCENARIOS_PATH, "utf8")) as { version: number; scenarios: Array<Record<string, unknown>> };
    const mutate = (fn: (s: Record<string, unknown>) => void): string[] => {
      const copy = structuredClone(base);
      fn(copy.scenarios[0]!);
      return validateScenarioFile(copy);
    };
    assert.deepEqual(validateScenarioFile(base), []);
    assert.ok(mutate((s) => ((s.expect as { decisions: Array<Record<string, unknown>> }).decisions[0]!.action = "review|block")).some((e) => /exact/.test(e)));
    assert.ok(mutate((s) => ((s.expect as { decisions: Array<Record<string, unknown>> }).decisions[0]!.rules = [])).some((e) => /block expectation needs/.test(e)));
    assert.ok(mutate((s) => (s.message = "RUN: echo hi > {{marker}}")).some((e) => /touch/.test(e)));
    assert.ok(mutate((s) => (s.id = base.scenarios[1]!.id)).some((e) => /duplicated/.test(e)));
    assert.ok(mutate((s) => (s.message = "hello")).some((e) => /script line/.test(e)));
    assert.ok(mutate((s) => ((s.expect as Record<string, unknown>).humanResolved = ["exec"])).some((e) => /human\.exec is not set/.test(e)));
  });

  test("selection, session keys and marker paths", () => {
    assert.equal(selectScenarios(file, "").length, file.scenarios.length);
    assert.deepEqual(selectScenarios(file, "benign").map((s) => s.id), ["benign"]);
    assert.throws(() => selectScenarios(file, "nope"), /unknown scenario/);
    assert.equal(sessionKeyOf("abc", "benign"), "stack-abc-benign");
    assert.equal(markerPathOf("/m", "abc", "benign"), "/m/abc-benign.marker");
  });
});

describe("gateway config template", () => {
  test("uses exactly the documented variables and renders the stack's settings", () => {
    const tpl = JSON.parse(readFileSync(GATEWAY_TEMPLATE_PATH, "utf8")) as unknown;
    assert.deepEqual([...placeholdersOf(tpl)].sort(), [...TEMPLATE_VARS].sort());
    const cfg = renderGatewayConfig({ WORKSPACE: "/w", FAKE_MODEL_BASE_URL: "http://127.0.0.1:1/v1", CLAWSHIELD_PLUGIN_PATH: "/app", CLAWSHIELD_PLUGIN_STATE_DIR: "/s" }) as {
      tools: { exec: { host: string; mode: string } };
      plugins: { load: { paths: string[] }; entries: { clawshield: { enabled: boolean; config: { stateDir: string } } } };
      models: { providers: { fake: { baseUrl: string } } };
      agents: { defaults: { model: { primary: string } } };
    };
    assert.deepEqual(cfg.tools.exec, { host: "gateway", mode: "ask" });
    assert.deepEqual(cfg.plugins.load.paths, ["/app"]);
    assert.equal(cfg.plugins.entries.clawshield.enabled, true);
    assert.equal(cfg.plugins.entries.clawshield.config.stateDir, "/s");
    assert.equal(cfg.models.providers.fake.baseUrl, "http://127.0.0.1:1/v1");
    assert.equal(cfg.agents.defaults.model.primary, "fake/fake-model");
    assert.throws(() => renderGatewayConfig({ WORKSPACE: "/w" }), /is not set/);
  });

  test("the plugin config keys are accepted by the plugin manifest's configSchema", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../openclaw.plugin.json", import.meta.url), "utf8")) as { id: string; configSchema: { properties: Record<string, unknown> } };
    const tpl = JSON.parse(readFileSync(GATEWAY_TEMPLATE_PATH, "utf8")) as { plugins: { entries: Record<string, { config: Record<string, unknown> }> } };
    const entry = tpl.plugins.entries[manifest.id];
    assert.ok(entry, `template has no plugins.entries.${manifest.id}`);
    for (const k of Object.keys(entry.config)) assert.ok(k in manifest.configSchema.properties, `plugin config key ${k} is not in openclaw.plugin.json configSchema`);
  });
});
