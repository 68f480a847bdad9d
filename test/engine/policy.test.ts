import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildConfig } from "../../src/config/load.ts";
import { parseAction } from "../../src/engine/action.ts";
import { applyPolicy } from "../../src/engine/policy.ts";
import type { Finding } from "../../src/engine/types.ts";

const cfg = (toml = "") => buildConfig(toml, { env: {}, cwd: "/" });
const fd = (ruleId: string, score: number, extra: Partial<Finding> = {}): Finding => ({ ruleId, score, category: "test", tag: "t", message: "m", ...extra });
const run = (findings: Finding[], action = parseAction({ text: "x" }), c = cfg()) => applyPolicy({ action, findings, security: c.security, runtime: c.runtime });

describe("policy math", () => {
  it("thresholds: < 35 allow, 35..64 review, >= 65 block", () => {
    assert.equal(run([fd("a", 34)]).action, "allow");
    assert.equal(run([fd("a", 35)]).action, "review");
    assert.equal(run([fd("a", 64)]).action, "review");
    assert.equal(run([fd("a", 65)]).action, "block");
  });

  it("counts each rule once at its strongest finding, and sums across rules", () => {
    const r = run([fd("a", 20), fd("a", 30), fd("b", 10)]);
    assert.equal(r.rawScore, 40);
  });

  it("caps riskScore at 100 but keeps the raw sum", () => {
    const r = run([fd("a", 90), fd("b", 90)]);
    assert.equal(r.riskScore, 100);
    assert.equal(r.rawScore, 180);
  });

  it("adds tool and channel bonuses with readable reasons", () => {
    const r = run([], parseAction({ tool: " Exec ", channel: "Discord", command: "ls" }));
    assert.equal(r.rawScore, 30);
    assert.ok(r.reasons.includes("tool `exec` risk bonus +20"));
    assert.ok(r.reasons.includes("channel `discord` risk bonus +10"));
  });

  it("tool policy floors raise but never lower", () => {
    const c = cfg('[security]\ntool_policies = { browser = "review", exec = "allow", nodes = "block" }\n');
    assert.equal(run([], parseAction({ tool: "browser", url: "https://docs.example" }), c).action, "review");
    assert.equal(run([fd("a", 80)], parseAction({ tool: "exec", command: "x" }), c).action, "block");
    assert.equal(run([], parseAction({ tool: "nodes" }), c).action, "block");
  });

  it("a finding floor raises the action", () => {
    assert.equal(run([fd("a", 0, { floor: "review" })]).action, "review");
  });

  it("audit_only never emits block", () => {
    const c = cfg("[runtime]\naudit_only = true\n[security]\ntool_policies = { nodes = \"block\" }\n");
    const r = run([fd("a", 99)], parseAction({ tool: "nodes" }), c);
    assert.equal(r.action, "review");
    assert.ok(r.tags.includes("audit_only"));
  });

  it("tainted sessions add taint_bonus to tool calls only", () => {
    const tainted = parseAction({ tool: "write", params: { path: "a.txt", content: "hi" }, tainted: true });
    assert.equal(run([], tainted).rawScore, 30);
    assert.ok(run([], tainted).tags.includes("session_tainted"));
    assert.equal(run([], parseAction({ text: "hi", tainted: true })).rawScore, 0);
  });

  it("tags appear once", () => {
    const r = run([fd("a", 10, { tag: "x" }), fd("b", 10, { tag: "x" })]);
    assert.deepEqual(r.tags, ["x"]);
  });
});
