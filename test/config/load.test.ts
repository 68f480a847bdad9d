import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { buildConfig, loadConfig, redactConfig } from "../../src/config/load.ts";
import { ClawShieldError } from "../../src/errors.ts";

const fixture = path.join(import.meta.dirname, "../fixtures/config/openclaw-rs.example.toml");
const emptyDir = (): string => mkdtempSync(path.join(tmpdir(), "cs-config-"));

function problemsOf(fn: () => unknown): { key: string; message: string; fix: string }[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ClawShieldError, `expected ClawShieldError, got ${String(e)}`);
    assert.equal(e.code, "CS_CONFIG_INVALID");
    return e.details.problems as { key: string; message: string; fix: string }[];
  }
  assert.fail("expected the config to be refused");
}

describe("config defaults", () => {
  it("uses the Rust runtime's defaults when no file exists", () => {
    const cfg = loadConfig({ cwd: emptyDir(), env: {} });
    assert.equal(cfg.security.review_threshold, 35);
    assert.equal(cfg.security.block_threshold, 65);
    assert.equal(cfg.runtime.worker_concurrency, 8);
    assert.equal(cfg.runtime.max_queue, 256);
    assert.equal(cfg.runtime.eval_timeout_ms, 2500);
    assert.equal(cfg.runtime.session_queue_mode, "followup");
    assert.equal(cfg.runtime.group_activation_mode, "mention");
    assert.equal(cfg.runtime.decision_event, "security.decision");
    assert.equal(cfg.runtime.audit_only, false);
    assert.deepEqual(cfg.security.tool_risk_bonus, { exec: 20, bash: 20, process: 10, apply_patch: 12, browser: 8, gateway: 20, nodes: 20 });
    assert.deepEqual(cfg.security.channel_risk_bonus, { discord: 10, slack: 8, telegram: 6, whatsapp: 6, webchat: 8 });
    assert.deepEqual(cfg.security.tool_policies, { gateway: "review", nodes: "review" });
    assert.equal(cfg.security.blocked_command_patterns.length, 6);
    assert.equal(cfg.security.prompt_injection_patterns.length, 5);
    assert.equal(cfg.gateway.url, "ws://127.0.0.1:18789");
  });

  it("is deeply frozen", () => {
    const cfg = loadConfig({ cwd: emptyDir(), env: {} });
    assert.ok(Object.isFrozen(cfg));
    assert.ok(Object.isFrozen(cfg.security.tool_risk_bonus));
    assert.throws(() => {
      (cfg.security as { review_threshold: number }).review_threshold = 1;
    });
  });
});

describe("openclaw-rs.toml compatibility", () => {
  it("loads the Rust runtime's example TOML unchanged", () => {
    const cfg = loadConfig({ path: fixture, env: {} });
    assert.equal(cfg.gateway.url, "ws://127.0.0.1:18789/ws");
    assert.equal(cfg.gateway.token, "");
    assert.deepEqual(cfg.security.allowed_command_prefixes, ["git ", "ls", "cat ", "rg "]);
    assert.equal(cfg.security.quarantine_dir, path.join(path.dirname(fixture), ".openclaw-rs/quarantine"));
    assert.equal(cfg.runtime.session_state_path, path.join(path.dirname(fixture), ".openclaw-rs/session-state.json"));
  });

  it("finds openclaw-rs.toml when clawshield.toml is absent", () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, "openclaw-rs.toml"), "[security]\nreview_threshold = 30\n");
    assert.equal(loadConfig({ cwd: dir, env: {} }).security.review_threshold, 30);
    writeFileSync(path.join(dir, "clawshield.toml"), "[security]\nreview_threshold = 31\n");
    assert.equal(loadConfig({ cwd: dir, env: {} }).security.review_threshold, 31);
  });
});

describe("environment overrides", () => {
  it("reads CLAWSHIELD_* and the Rust OPENCLAW_RS_* aliases, CLAWSHIELD_ first", () => {
    const cfg = loadConfig({ cwd: emptyDir(), env: { OPENCLAW_RS_GATEWAY_URL: "ws://rs:1", OPENCLAW_RS_AUDIT_ONLY: "yes", OPENCLAW_RS_MAX_QUEUE: "64" } });
    assert.equal(cfg.gateway.url, "ws://rs:1");
    assert.equal(cfg.runtime.audit_only, true);
    assert.equal(cfg.runtime.max_queue, 64);
    const both = loadConfig({ cwd: emptyDir(), env: { OPENCLAW_RS_GATEWAY_URL: "ws://rs:1", CLAWSHIELD_GATEWAY_URL: "ws://cs:2" } });
    assert.equal(both.gateway.url, "ws://cs:2");
  });

  it("keeps the meaningful trailing space of CSV prefixes", () => {
    const cfg = loadConfig({ cwd: emptyDir(), env: { CLAWSHIELD_ALLOWED_COMMAND_PREFIXES: "git , ls,rg " } });
    assert.deepEqual(cfg.security.allowed_command_prefixes, ["git ", "ls", "rg "]);
  });

  it("takes the token from OPENCLAW_GATEWAY_TOKEN only when the config has none", () => {
    assert.equal(loadConfig({ cwd: emptyDir(), env: { OPENCLAW_GATEWAY_TOKEN: "t1" } }).gateway.token, "t1");
    const dir = emptyDir();
    writeFileSync(path.join(dir, "clawshield.toml"), '[gateway]\ntoken = "from-file"\n');
    assert.equal(loadConfig({ cwd: dir, env: { OPENCLAW_GATEWAY_TOKEN: "t1" } }).gateway.token, "from-file");
  });

  it("maps queue-mode aliases", () => {
    assert.equal(loadConfig({ cwd: emptyDir(), env: { OPENCLAW_RS_SESSION_QUEUE_MODE: "steer+backlog" } }).runtime.session_queue_mode, "steer-backlog");
    assert.equal(loadConfig({ cwd: emptyDir(), env: { OPENCLAW_RS_SESSION_QUEUE_MODE: "abort" } }).runtime.session_queue_mode, "interrupt");
  });

  it("refuses an unparseable number instead of ignoring it", () => {
    const p = problemsOf(() => loadConfig({ cwd: emptyDir(), env: { OPENCLAW_RS_WORKER_CONCURRENCY: "many" } }));
    assert.equal(p[0]?.key, "runtime.worker_concurrency");
    assert.match(p[0]?.message ?? "", /env OPENCLAW_RS_WORKER_CONCURRENCY/);
  });

  it("lower-cases tool and channel map keys", () => {
    const cfg = buildConfig('[security]\ntool_risk_bonus = { EXEC = 25 }\nchannel_risk_bonus = { Discord = 3 }\n', { env: {}, cwd: emptyDir() });
    assert.deepEqual(cfg.security.tool_risk_bonus, { exec: 25 });
    assert.deepEqual(cfg.security.channel_risk_bonus, { discord: 3 });
  });
});

describe("bad config messages", () => {
  it("reports line and column of malformed TOML", () => {
    try {
      buildConfig("[security]\nreview_threshold = = 3\n", { file: "/x/clawshield.toml", env: {}, cwd: "/x" });
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof ClawShieldError);
      assert.equal(e.details.line, 2);
      assert.match(e.message, /clawshield\.toml:2:\d+: malformed TOML/);
    }
  });

  it("names the key, the bad value and the fix", () => {
    const p = problemsOf(() => buildConfig('[security]\nreview_threshold = "high"\nblock_threshold = 300\n', { env: {}, cwd: "/" }));
    const keys = p.map((x) => x.key);
    assert.ok(keys.includes("security.review_threshold"));
    assert.ok(keys.includes("security.block_threshold"));
    assert.ok(p.every((x) => x.fix.length > 0));
  });

  it("refuses review_threshold >= block_threshold", () => {
    const p = problemsOf(() => buildConfig("[security]\nreview_threshold = 70\nblock_threshold = 65\n", { env: {}, cwd: "/" }));
    assert.match(p[0]?.message ?? "", /lower than security.block_threshold/);
  });

  it("suggests the right key for a typo and rejects unknown tables", () => {
    const p = problemsOf(() => buildConfig("[security]\nreveiw_threshold = 30\n[sekurity]\nx = 1\n", { env: {}, cwd: "/" }));
    assert.ok(p.some((x) => x.key === "security.reveiw_threshold" && /review_threshold/.test(x.fix)));
    assert.ok(p.some((x) => x.key === "sekurity"));
  });

  it("refuses an invalid user regex with its key and index", () => {
    const p = problemsOf(() => buildConfig('[security]\nblocked_command_patterns = ["ok", "(unclosed"]\n', { env: {}, cwd: "/" }));
    assert.equal(p[0]?.key, "security.blocked_command_patterns[1]");
  });

  it("refuses backreferences (not linear-time) in user regexes", () => {
    const p = problemsOf(() => buildConfig('[security]\nprompt_injection_patterns = ["(a+)\\\\1"]\n', { env: {}, cwd: "/" }));
    assert.equal(p[0]?.key, "security.prompt_injection_patterns[0]");
  });

  it("accepts ReDoS-shaped patterns because they run on RE2 in linear time", () => {
    const cfg = buildConfig('[security]\nprompt_injection_patterns = ["(a+)+$"]\n', { env: {}, cwd: "/" });
    assert.deepEqual(cfg.security.prompt_injection_patterns, ["(a+)+$"]);
  });
});

describe("redaction", () => {
  it("hides secrets in the printable config", () => {
    const cfg = loadConfig({ cwd: emptyDir(), env: { CLAWSHIELD_GATEWAY_TOKEN: "s3cret", CLAWSHIELD_VT_API_KEY: "vtkey" } });
    const red = redactConfig(cfg) as { gateway: { token: string }; security: { virustotal_api_key: string } };
    assert.equal(red.gateway.token, "<redacted>");
    assert.equal(red.security.virustotal_api_key, "<redacted>");
    assert.doesNotMatch(JSON.stringify(red), /s3cret|vtkey/);
  });
});
