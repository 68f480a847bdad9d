// Signed policy bundles at load: round trip, tampering, wrong/unknown keys, missing signature,
// rollback across restarts, Rust-style bundles, audit_only semantics, policyVersion on decisions.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { buildDefender } from "../../src/defender/build.ts";
import { parseAction } from "../../src/engine/action.ts";
import { ErrorCode, isClawShieldError } from "../../src/errors.ts";
import { appliedPolicyOf, policyVersionOf } from "../../src/policy/bundle.ts";
import { bundleBody, makeKey, signText, tmp, writeBundle, type TestKey } from "./helpers.ts";

function setup(keys: TestKey[], body: string, opts: { sigKey?: TestKey; extraConfig?: string } = {}) {
  const dir = tmp();
  const b = writeBundle(dir, keys[0]!, body, opts.sigKey ? { sigKey: opts.sigKey } : {});
  const cfgPath = path.join(dir, "clawshield.toml");
  const writeCfg = (extra = opts.extraConfig ?? ""): void =>
    writeFileSync(cfgPath, `[security]\nsigned_policy_bundle = "bundle.toml"\nsigned_policy_signature = "bundle.toml.sig"\n[runtime]\nstate_dir = "state"\n[policy]\ntrusted_keys = [${keys.map((k) => JSON.stringify(k.entry)).join(", ")}]\n${extra}`);
  writeCfg();
  const load = (overrides: Record<string, unknown> = {}) => loadConfig({ path: cfgPath, env: {}, cwd: dir, overrides });
  return { dir, ...b, cfgPath, load, writeCfg };
}

function rejectedWith(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isClawShieldError(e), `expected a ClawShieldError, got ${String(e)}`);
    assert.equal(e.code, ErrorCode.POLICY_REJECTED);
    assert.match(e.message, re);
    assert.match(e.message, /Fix: /);
    return true;
  });
}

describe("signed policy bundle at load", () => {
  it("round trip: a signed bundle verifies and its values apply", () => {
    const k = makeKey("ops-2026");
    const s = setup([k], bundleBody(3, "ops-2026", "block_threshold = 60\nallowed_commands = [\"make test\"]\ntool_risk_bonus = { exec = 30 }\n"));
    const cfg = s.load();
    assert.equal(cfg.security.block_threshold, 60);
    assert.deepEqual(cfg.security.allowed_commands, ["make test"]);
    assert.deepEqual(cfg.security.tool_risk_bonus, { exec: 30 });
    const ap = appliedPolicyOf(cfg);
    assert.equal(ap?.verified?.bundle.version, 3);
    assert.equal(ap?.verified?.key.id, "ops-2026");
    assert.match(policyVersionOf(cfg), /^v3 key ops-2026 sha256:[0-9a-f]{12}$/);
    const state = JSON.parse(readFileSync(path.join(s.dir, "state", "policy-state.json"), "utf8"));
    assert.equal(state.highestVersion, 3);
  });

  it("a flipped byte in the bundle is refused", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1"));
    const bytes = readFileSync(s.bundle);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01; // "60" -> "61"
    writeFileSync(s.bundle, bytes);
    rejectedWith(() => s.load(), /does not verify with key "k1"/);
  });

  it("a flipped byte in the signature is refused", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1"));
    const sig = Buffer.from(readFileSync(s.sig, "utf8").trim(), "base64");
    sig[10] = sig[10]! ^ 0x80;
    writeFileSync(s.sig, sig.toString("base64"));
    rejectedWith(() => s.load(), /does not verify/);
  });

  it("a signature by a key that is not trusted is refused", () => {
    const k = makeKey("k1");
    const other = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1"), { sigKey: other });
    rejectedWith(() => s.load(), /does not verify with key "k1"/);
  });

  it("a missing signature file is refused", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1"));
    writeFileSync(s.sig, "");
    rejectedWith(() => s.load(), /not 64 bytes/);
    rmSync(s.sig);
    rejectedWith(() => s.load(), /is not signed/);
  });

  it("an unknown key id is refused", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "someone-else"));
    rejectedWith(() => s.load(), /key_id "someone-else", which is not a trusted key/);
  });

  it("version rollback is refused across restarts; the same version with new content too", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(5, "k1"));
    s.load();
    writeBundle(s.dir, k, bundleBody(4, "k1"));
    rejectedWith(() => s.load(), /older than version 5 already accepted on this host: a rollback/);
    writeBundle(s.dir, k, bundleBody(5, "k1", "block_threshold = 70\n"));
    rejectedWith(() => s.load(), /reuses version 5 with different content/);
    writeBundle(s.dir, k, bundleBody(5, "k1"));
    assert.equal(s.load().security.block_threshold, 60, "the same bundle again is fine");
    writeBundle(s.dir, k, bundleBody(6, "k1", "block_threshold = 70\n"));
    assert.equal(s.load().security.block_threshold, 70);
  });

  it("rotation: a bundle signed by either of two trusted keys verifies", () => {
    const a = makeKey("ops-2025");
    const b = makeKey("ops-2026");
    const s = setup([a, b], bundleBody(1, "ops-2025"));
    assert.equal(appliedPolicyOf(s.load())?.verified?.key.id, "ops-2025");
    writeBundle(s.dir, b, bundleBody(2, "ops-2026"));
    assert.equal(appliedPolicyOf(s.load())?.verified?.key.id, "ops-2026");
    // a bundle naming ops-2026 but signed by ops-2025 is refused
    writeBundle(s.dir, a, bundleBody(3, "ops-2026"));
    rejectedWith(() => s.load(), /does not verify with key "ops-2026"/);
  });

  it("a Rust-style bundle (no version, no key_id) verifies with signed_policy_public_key, hex or base64", () => {
    const k = makeKey("x");
    const dir = tmp();
    const body = "review_threshold = 30\nblock_threshold = 50\ntool_policies = { browser = \"review\" }\n";
    writeFileSync(path.join(dir, "policy.toml"), body);
    const sigB64 = signText(k, body);
    writeFileSync(path.join(dir, "policy.sig"), Buffer.from(sigB64, "base64").toString("hex"));
    const pubHex = Buffer.from(k.pub, "base64").toString("hex");
    writeFileSync(path.join(dir, "openclaw-rs.toml"), `[security]\nsigned_policy_bundle = "policy.toml"\nsigned_policy_signature = "policy.sig"\nsigned_policy_public_key = "${pubHex}"\n[runtime]\nstate_dir = "st"\n`);
    const cfg = loadConfig({ env: {}, cwd: dir });
    assert.equal(cfg.security.block_threshold, 50);
    assert.deepEqual(cfg.security.tool_policies, { browser: "review" });
    assert.match(policyVersionOf(cfg), /^v0 key ed25519:[0-9a-f]{16} /);
    // once a versioned bundle was accepted, an unversioned one is a rollback
    writeFileSync(path.join(dir, "st", "policy-state.json"), JSON.stringify({ highestVersion: 2, sha256: "x", keyId: "x", acceptedAt: "" }));
    assert.throws(() => loadConfig({ env: {}, cwd: dir }), /rollback/);
  });

  it("unknown bundle fields and invalid values are refused", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1", "protect_paths = [\"/\"]\n"));
    rejectedWith(() => s.load(), /unknown field\(s\) protect_paths/);
    writeBundle(s.dir, k, bundleBody(1, "k1", "blocked_command_patterns = [\"(a\"]\n"));
    rejectedWith(() => s.load(), /invalid values: blocked_command_patterns\[0\]/);
  });

  it("audit_only in the bundle wins: false forbids observe mode from config, env or flag", () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1", "audit_only = false\n"), { extraConfig: "" });
    const cfg = s.load({ "runtime.audit_only": true });
    assert.equal(cfg.runtime.audit_only, false);
    assert.equal(appliedPolicyOf(cfg)?.auditOnlyOverridden, true);
    writeBundle(s.dir, k, bundleBody(2, "k1", ""));
    assert.equal(s.load({ "runtime.audit_only": true }).runtime.audit_only, true, "without audit_only in the bundle the host decides");
  });

  it("require_bundle refuses a start without a bundle; the trust root may not sit in the bundle folder", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "clawshield.toml"), "[policy]\nrequire_bundle = true\n");
    assert.throws(() => loadConfig({ env: {}, cwd: dir }), /require_bundle/);
    const k = makeKey("k1");
    const s = setup([k], bundleBody(1, "k1"));
    writeFileSync(path.join(s.dir, "keys.txt"), `${k.entry}\n`);
    s.writeCfg(`trusted_keys_file = "keys.txt"\n`);
    rejectedWith(() => s.load(), /in the bundle's folder/);
    const outside = tmp();
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, "keys.txt"), `# rotation\n${k.entry}\n`);
    s.writeCfg(`trusted_keys_file = ${JSON.stringify(path.join(outside, "keys.txt"))}\n`);
    assert.equal(s.load().security.block_threshold, 60);
  });

  it("every decision carries policyVersion", async () => {
    const k = makeKey("k1");
    const s = setup([k], bundleBody(7, "k1"));
    const d = await buildDefender(s.load(), { lookups: false, evidence: false });
    const dec = await d.evaluate(parseAction({ command: "ls" }));
    await d.stop();
    assert.match(dec.policyVersion ?? "", /^v7 key k1 /);
  });
});
