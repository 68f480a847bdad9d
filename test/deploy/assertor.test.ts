// The full-stack assertor on synthetic state: it passes a run that met every expectation and fails
// each kind of mismatch — in particular review where block is expected (no "review or block").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluateRun, ruleMatches, type LoggedDecision, type Observed, type QuarantineFile } from "../../deploy/stack/assertor.ts";
import type { ProducerReport, ScenarioRun } from "../../deploy/stack/producer.ts";
import { loadScenarios, type Scenario } from "../../deploy/stack/scenarios.ts";

const scenarios = loadScenarios().scenarios;
const byId = (id: string): Scenario => {
  const s = scenarios.find((x) => x.id === id);
  assert.ok(s, id);
  return s;
};

function run(id: string, over: Partial<ScenarioRun> = {}): ScenarioRun {
  return {
    id,
    title: id,
    sessionKey: `stack-t-${id}`,
    gatewaySessionKey: `agent:main:stack-t-${id}`,
    marker: `/m/t-${id}.marker`,
    message: "",
    startedAt: "",
    durationMs: 10,
    turn: { state: "final", text: "ok", runId: "r" },
    approvals: [],
    tools: [],
    ...over,
  };
}

let seq = 0;
function dec(id: string, source: string, action: string, risk: number, rules: string[], tags: string[] = []): LoggedDecision {
  return {
    source,
    sessionKey: `agent:main:stack-t-${id}`,
    decision: { id: `d${++seq}`, action, riskScore: risk, tags, findings: rules.map((r) => ({ ruleId: r, tag: tags[0] ?? "x" })) },
    file: "decisions.jsonl",
  };
}

/** A state in which every scenario of the shared file met its expectations. */
function goodState(): { report: ProducerReport; decisions: LoggedDecision[]; quarantine: QuarantineFile[]; present: Set<string> } {
  const runs: ScenarioRun[] = [];
  const decisions: LoggedDecision[] = [];
  const quarantine: QuarantineFile[] = [];
  const present = new Set<string>();
  for (const s of scenarios) {
    const r = run(s.id);
    for (const e of s.expect.decisions) {
      const risk = e.minRisk ?? (e.action === "allow" ? 20 : e.action === "review" ? 40 : 90);
      const rules = (e.rules ?? []).map((x) => (x.endsWith(".") ? `${x}sample` : x));
      decisions.push(dec(s.id, e.source, e.action, Math.min(risk, e.maxRisk ?? 100), rules, [...(e.tags ?? [])]));
      if (e.source === "gateway:exec.approval" && e.action === "allow" && !s.human?.exec) r.approvals.push({ kind: "exec", id: `a-${s.id}`, resolved: { decision: "allow-once", resolvedBy: "gateway-client" } });
    }
    for (const k of s.expect.humanResolved ?? []) r.approvals.push({ kind: k, id: `h-${k}-${s.id}`, humanDecision: s.human?.[k], resolved: { decision: s.human?.[k] } });
    if (s.expect.marker === "present") present.add(r.marker);
    const q = s.expect.quarantine;
    if (q) {
      const d = decisions.find((x) => x.sessionKey === r.gatewaySessionKey && x.source === q.source && x.decision.action === "block");
      assert.ok(d);
      const record = { decision: { id: d.decision.id, action: "block" }, request: { session_id: r.gatewaySessionKey, command: "curl -H 'Authorization: Bearer [REDACTED]' …" } };
      quarantine.push({ file: `/q/blocked-1-${s.id}.json`, text: JSON.stringify(record), record });
    }
    runs.push(r);
  }
  return { report: { version: 1, runTag: "t", gatewayUrl: "ws://x", startedAt: "", markersDir: "/m", pluginLoaded: true, scenarios: runs }, decisions, quarantine, present };
}

function observe(st: ReturnType<typeof goodState>): Observed {
  return { report: st.report, decisions: st.decisions, quarantine: st.quarantine, stateIssues: [], markerExists: (f) => st.present.has(f) };
}

function failed(obs: Observed): string[] {
  return evaluateRun(scenarios, obs)
    .filter((c) => !c.ok)
    .map((c) => `${c.scenario}/${c.check}: ${c.detail}`);
}

describe("stack assertor", () => {
  test("a run that met every expectation passes", () => {
    assert.deepEqual(failed(observe(goodState())), []);
  });

  test("review where block is expected fails (exact action, no 'review or block')", () => {
    const st = goodState();
    const d = st.decisions.find((x) => x.sessionKey?.endsWith("reverse-shell") && x.source === "plugin:before_tool_call");
    assert.ok(d);
    st.decisions[st.decisions.indexOf(d)] = { ...d, decision: { ...d.decision, action: "review", riskScore: 60 } };
    const f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("reverse-shell/plugin:before_tool_call → block") && /expected block, got review/.test(x)), f.join("\n"));
  });

  test("one looser decision among several of the same source fails", () => {
    const st = goodState();
    const d = st.decisions.find((x) => x.sessionKey?.endsWith("download-exec") && x.source === "plugin:before_tool_call");
    assert.ok(d);
    st.decisions.push({ ...d, decision: { ...d.decision, id: "extra", action: "allow", riskScore: 20 } });
    assert.ok(failed(observe(st)).some((x) => x.startsWith("download-exec/plugin:before_tool_call")));
  });

  test("a missing decision, a wrong rule, low risk and a missing tag fail", () => {
    const st = goodState();
    st.decisions = st.decisions.filter((x) => !(x.sessionKey?.endsWith("injected-message") && x.source === "gateway:session.message"));
    const rs = st.decisions.find((x) => x.sessionKey?.endsWith("reverse-shell"));
    assert.ok(rs);
    st.decisions[st.decisions.indexOf(rs)] = { ...rs, decision: { ...rs.decision, riskScore: 50, tags: [], findings: [{ ruleId: "cmd.other", tag: "other" }] } };
    const f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("injected-message/gateway:session.message") && /no decision/.test(x)), f.join("\n"));
    const line = f.find((x) => x.startsWith("reverse-shell/plugin:before_tool_call"));
    assert.ok(line && /risk 50 < 65/.test(line) && /cmd\.reverse-shell\./.test(line) && /missing tag reverse_shell/.test(line), line);
  });

  test("marker mismatches fail both ways", () => {
    const st = goodState();
    st.present.clear();
    st.present.add(st.report.scenarios.find((r) => r.id === "reverse-shell")!.marker);
    const f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("reverse-shell/marker absent") && /RAN/.test(x)));
    assert.ok(f.some((x) => x.startsWith("benign/marker present")));
  });

  test("a benign scenario with any non-allow decision is a false positive", () => {
    const st = goodState();
    st.decisions.push(dec("benign", "gateway:session.message", "review", 40, ["inj.tool.x"]));
    assert.ok(failed(observe(st)).some((x) => x.startsWith("benign/no false positive")));
  });

  test("an unredacted or unmatched quarantine record fails", () => {
    const st = goodState();
    const q = st.quarantine.find((x) => x.file.includes("quarantined-secret"));
    assert.ok(q);
    const secret = byId("quarantined-secret").expect.quarantine?.secrets?.[0];
    assert.ok(secret);
    st.quarantine[st.quarantine.indexOf(q)] = { ...q, text: q.text.replace("[REDACTED]", secret) };
    let f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("quarantined-secret/quarantined") && /not redacted/.test(x)), f.join("\n"));
    st.quarantine = [];
    f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("reverse-shell/quarantined") && /no quarantine record/.test(x)));
  });

  test("the human must have resolved the review, and ClawShield the allow", () => {
    const st = goodState();
    const rv = st.report.scenarios.find((r) => r.id === "review-approved");
    const bn = st.report.scenarios.find((r) => r.id === "benign");
    assert.ok(rv && bn);
    rv.approvals = rv.approvals.filter((a) => a.kind !== "exec");
    bn.approvals = [{ kind: "exec", id: "x", humanDecision: "allow-once", resolved: { decision: "allow-once" } }];
    const f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("review-approved/human exec allow-once")), f.join("\n"));
    assert.ok(f.some((x) => x.startsWith("benign/approval answered by ClawShield")), f.join("\n"));
  });

  test("producer errors, a timed-out turn and an unloaded plugin fail", () => {
    const st = goodState();
    st.report.fatal = "gateway unreachable";
    st.report.pluginLoaded = false;
    st.report.scenarios[0] = { ...st.report.scenarios[0]!, turn: undefined, error: "runTurn: no terminal chat event" } as ScenarioRun;
    const f = failed(observe(st));
    assert.ok(f.some((x) => x.startsWith("*/producer")));
    assert.ok(f.some((x) => x.startsWith("*/plugin loaded")));
    assert.ok(f.some((x) => x.startsWith(`${st.report.scenarios[0]!.id}/ran`)));
  });

  test("state issues (broken hash chain) fail the run", () => {
    const obs = { ...observe(goodState()), stateIssues: ["decisions.jsonl: hash chain: broken"] };
    assert.ok(failed(obs).some((x) => x.startsWith("*/state")));
  });

  test("rule matching: prefixes end with a dot, plain ids match themselves and their children", () => {
    assert.ok(ruleMatches("cmd.download-exec.", "cmd.download-exec.pipe-to-shell"));
    assert.ok(!ruleMatches("cmd.download-exec.", "cmd.download-executable"));
    assert.ok(ruleMatches("cmd.privesc.sudo", "cmd.privesc.sudo"));
    assert.ok(ruleMatches("cmd.privesc.sudo", "cmd.privesc.sudo.nopasswd"));
    assert.ok(!ruleMatches("cmd.privesc.sudo", "cmd.privesc.sudoers"));
  });
});
