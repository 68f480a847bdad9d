// Assertor of the full stack: checks every expectation of deploy/stack/scenarios.json against what
// really happened — ClawShield's decision logs (hash chain verified), its quarantine records, the
// marker files and the producer's report (turns, approvals, what the scripted human answered) —
// and exits non-zero on any mismatch.
//
// Strict by design (the Rust assertor accepted "review or block" where block was expected): every
// decision of the expected source in the scenario's session must have EXACTLY the expected action,
// the risk bounds, every required rule (id or "prefix.") and tag. A benign scenario fails on any
// non-allow decision from any source.
//
// Same entry point in compose (service "assertor") and in scripts/stack.ts. Environment:
//   STACK_REPORT          the producer's report (waited for up to STACK_REPORT_WAIT_MS, default 300000)
//   STACK_STATE_DIRS      comma list of ClawShield state folders (each: decisions.jsonl, quarantine/)
//   STACK_VERDICT         write the verdict JSON here (the producer waits for it in compose)
//   STACK_SETTLE_MS       re-check failing expectations this long (decision logs are written async; 8000)
//   STACK_SCENARIOS, STACK_ONLY
// Exit: 0 all passed, 1 a mismatch, 2 the run could not be checked (no report, producer fatal error).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { verifyChain } from "../../src/store/chain.ts";
import type { ProducerReport, ScenarioRun } from "./producer.ts";
import { gatewaySessionKey, loadScenarios, selectScenarios, type ExpectedDecision, type Scenario } from "./scenarios.ts";

export interface LoggedDecision {
  readonly source: string;
  readonly sessionKey?: string;
  readonly decision: {
    readonly id: string;
    readonly action: string;
    readonly riskScore: number;
    readonly tags: readonly string[];
    readonly reasons?: readonly string[];
    readonly findings: ReadonlyArray<{ readonly ruleId: string; readonly tag?: string; readonly score?: number; readonly message?: string; readonly evidence?: { readonly excerpt?: string; readonly field?: string } }>;
  };
  readonly file: string;
}

export interface QuarantineFile {
  readonly file: string;
  readonly text: string;
  readonly record: { decision?: { id?: string; action?: string }; request?: { session_id?: string } };
}

export interface Observed {
  readonly report: ProducerReport;
  readonly decisions: readonly LoggedDecision[];
  readonly quarantine: readonly QuarantineFile[];
  readonly markerExists: (file: string) => boolean;
  /** Problems reading the state (broken hash chain, unreadable files). */
  readonly stateIssues: readonly string[];
}

export interface Check {
  readonly scenario: string;
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Verdict {
  readonly ok: boolean;
  readonly runTag: string;
  readonly checks: readonly Check[];
  readonly failures: number;
}

/** Does a finding's rule id satisfy an expected rule ("cmd.download-exec." is a prefix; "cmd.privesc.sudo" exact or a parent). */
export function ruleMatches(expected: string, ruleId: string): boolean {
  return expected.endsWith(".") ? ruleId.startsWith(expected) : ruleId === expected || ruleId.startsWith(`${expected}.`);
}

function sameSession(a: string | undefined, run: ScenarioRun): boolean {
  return a !== undefined && (a === run.gatewaySessionKey || a === run.sessionKey || gatewaySessionKey(a) === run.gatewaySessionKey);
}

function describe(d: LoggedDecision["decision"]): string {
  const rules = [...new Set(d.findings.map((f) => f.ruleId))].slice(0, 6).join(",");
  return `${d.action} risk ${d.riskScore}${rules ? ` [${rules}]` : ""}`;
}

/** Problems of one decision against one expectation (empty = it matches). */
export function decisionMismatches(exp: ExpectedDecision, d: LoggedDecision["decision"]): string[] {
  const out: string[] = [];
  if (d.action !== exp.action) out.push(`expected ${exp.action}, got ${d.action}`);
  if (exp.minRisk !== undefined && d.riskScore < exp.minRisk) out.push(`risk ${d.riskScore} < ${exp.minRisk}`);
  if (exp.maxRisk !== undefined && d.riskScore > exp.maxRisk) out.push(`risk ${d.riskScore} > ${exp.maxRisk}`);
  for (const r of exp.rules ?? []) if (!d.findings.some((f) => ruleMatches(r, f.ruleId))) out.push(`no finding matches rule ${r}`);
  const tags = new Set([...d.tags, ...d.findings.map((f) => f.tag ?? "")]);
  for (const t of exp.tags ?? []) if (!tags.has(t)) out.push(`missing tag ${t}`);
  return out;
}

/** All checks of one run (pure: tests feed it synthetic state). */
export function evaluateRun(scenarios: readonly Scenario[], obs: Observed): Check[] {
  const checks: Check[] = [];
  const add = (scenario: string, check: string, ok: boolean, detail: string): void => void checks.push({ scenario, check, ok, detail });
  const r = obs.report;
  add("*", "producer", r.fatal === undefined, r.fatal ?? `${r.scenarios.length} scenario(s) driven`);
  if (r.pluginLoaded !== undefined) add("*", "plugin loaded", r.pluginLoaded, r.pluginLoaded ? "clawshield plugin is loaded on the Gateway" : "plugins.list does not show the clawshield plugin as loaded");
  for (const issue of obs.stateIssues) add("*", "state", false, issue);

  for (const s of scenarios) {
    const run = r.scenarios.find((x) => x.id === s.id);
    if (!run) {
      add(s.id, "ran", false, "the producer did not run this scenario");
      continue;
    }
    add(s.id, "ran", run.error === undefined && run.turn?.state === "final", run.error ?? `turn ${run.turn?.state ?? "?"} in ${run.durationMs} ms`);
    const mine = obs.decisions.filter((d) => sameSession(d.sessionKey, run));

    for (const exp of s.expect.decisions) {
      const label = `${exp.source} → ${exp.action}`;
      const got = mine.filter((d) => d.source === exp.source);
      if (got.length === 0) {
        const seen = [...new Set(mine.map((d) => `${d.source}:${d.decision.action}`))].join(", ") || "none";
        add(s.id, label, false, `no decision from ${exp.source} in ${run.gatewaySessionKey} (decisions seen: ${seen})`);
        continue;
      }
      const bad = got.map((d) => ({ d, m: decisionMismatches(exp, d.decision) })).filter((x) => x.m.length > 0);
      add(s.id, label, bad.length === 0, bad.length === 0 ? got.map((d) => describe(d.decision)).join("; ") : bad.map((x) => `${describe(x.d.decision)}: ${x.m.join(", ")}`).join("; "));
    }

    if (s.kind === "benign") {
      const nonAllow = mine.filter((d) => d.decision.action !== "allow");
      add(s.id, "no false positive", nonAllow.length === 0, nonAllow.length === 0 ? `${mine.length} decision(s), all allow` : nonAllow.map((d) => `${d.source}: ${describe(d.decision)}`).join("; "));
    }

    // The sidecar's automatic approval answer (allow → allow-once, block → deny) reached the Gateway.
    for (const exp of s.expect.decisions) {
      if (exp.source !== "gateway:exec.approval" || exp.action === "review" || s.human?.exec) continue;
      const want = exp.action === "allow" ? "allow-once" : "deny";
      const a = run.approvals.find((x) => x.kind === "exec");
      const ok = a !== undefined && a.humanDecision === undefined && a.resolved?.decision === want;
      add(s.id, "approval answered by ClawShield", ok, a ? `exec approval ${a.id}: ${a.resolved ? `${a.resolved.decision} by ${a.resolved.resolvedBy ?? "?"}` : "not resolved"}` : "no exec approval was requested");
    }

    for (const kind of s.expect.humanResolved ?? []) {
      const want = s.human?.[kind];
      const a = run.approvals.find((x) => x.kind === kind && x.humanDecision !== undefined);
      const ok = a !== undefined && a.humanError === undefined && a.humanDecision === want && (a.resolved === undefined || a.resolved.decision === want);
      add(s.id, `human ${kind} ${want}`, ok, a ? `${kind} approval ${a.id}: sent ${a.humanDecision}${a.humanError ? ` (error: ${a.humanError})` : ""}${a.resolved ? `, resolved ${a.resolved.decision}` : ""}` : `no ${kind} approval was left to the human (${run.approvals.map((x) => `${x.kind}:${x.resolved?.decision ?? "pending"}`).join(", ") || "none requested"})`);
    }

    if (s.expect.marker !== undefined) {
      const exists = obs.markerExists(run.marker);
      const want = s.expect.marker === "present";
      add(s.id, `marker ${s.expect.marker}`, exists === want, `${run.marker} ${exists ? "exists" : "does not exist"}${want && !exists ? " (the command did not run)" : !want && exists ? " (the command RAN)" : ""}`);
    }

    const q = s.expect.quarantine;
    if (q) {
      const ids = new Set(mine.filter((d) => d.source === q.source && d.decision.action === "block").map((d) => d.decision.id));
      const recs = obs.quarantine.filter((f) => f.record.decision?.id !== undefined && ids.has(f.record.decision.id));
      if (recs.length === 0) add(s.id, "quarantined", false, `no quarantine record for the ${ids.size} blocked decision(s) from ${q.source}`);
      else {
        const problems: string[] = [];
        for (const f of recs) {
          const name = path.basename(f.file);
          if (f.record.decision?.action !== "block") problems.push(`${name}: decision ${f.record.decision?.action}`);
          if (!sameSession(f.record.request?.session_id, run)) problems.push(`${name}: session ${f.record.request?.session_id}`);
          for (const secret of q.secrets ?? []) if (f.text.includes(secret)) problems.push(`${name}: contains the secret ${secret.slice(0, 8)}… (not redacted)`);
          for (const c of q.contains ?? []) if (!f.text.includes(c)) problems.push(`${name}: lacks ${c}`);
        }
        add(s.id, "quarantined", problems.length === 0, problems.length === 0 ? `${recs.map((f) => path.basename(f.file)).join(", ")}: matches the decision, redacted` : problems.join("; "));
      }
    }
  }
  return checks;
}

/** Reads decision logs (hash chain verified) and quarantine records from ClawShield state folders. */
export function readState(stateDirs: readonly string[]): { decisions: LoggedDecision[]; quarantine: QuarantineFile[]; issues: string[] } {
  const decisions: LoggedDecision[] = [];
  const quarantine: QuarantineFile[] = [];
  const issues: string[] = [];
  for (const dir of stateDirs) {
    const log = path.join(dir, "decisions.jsonl");
    if (existsSync(log)) {
      const rep = verifyChain(log, { collect: true });
      // A line being written right now may look torn; the settle loop reads again.
      if (!rep.ok) issues.push(`${log}: hash chain: ${rep.issues.slice(0, 3).map((i) => JSON.stringify(i)).join("; ")}`);
      for (const { record, file } of rep.collected ?? []) {
        if (record.type !== "decision") continue;
        const payload = (record.frame as { payload?: Record<string, unknown> } | undefined)?.payload ?? {};
        const decision = record.decision as LoggedDecision["decision"] | undefined;
        if (!decision || typeof decision.action !== "string") continue;
        decisions.push({
          source: typeof payload.source === "string" ? payload.source : "?",
          ...(typeof payload.sessionId === "string" ? { sessionKey: payload.sessionId } : {}),
          decision: { ...decision, tags: decision.tags ?? [], findings: decision.findings ?? [] },
          file,
        });
      }
    }
    const qdir = path.join(dir, "quarantine");
    if (existsSync(qdir)) {
      for (const name of readdirSync(qdir)) {
        if (!name.startsWith("blocked-") || !name.endsWith(".json")) continue;
        const file = path.join(qdir, name);
        try {
          const text = readFileSync(file, "utf8");
          quarantine.push({ file, text, record: JSON.parse(text) as QuarantineFile["record"] });
        } catch (e) {
          issues.push(`${file}: unreadable quarantine record: ${(e as Error).message}`);
        }
      }
    }
  }
  return { decisions, quarantine, issues };
}

export interface AssertOptions {
  reportPath: string;
  stateDirs: readonly string[];
  verdictPath?: string;
  scenariosFile?: string;
  only?: string;
  reportWaitMs?: number;
  settleMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function formatChecks(checks: readonly Check[]): string {
  const w = Math.max(8, ...checks.map((c) => c.scenario.length));
  const cw = Math.max(10, ...checks.map((c) => c.check.length));
  return checks.map((c) => `${c.ok ? "PASS" : "FAIL"}  ${c.scenario.padEnd(w)}  ${c.check.padEnd(cw)}  ${c.detail}`).join("\n");
}

export async function runAssertor(opts: AssertOptions): Promise<{ verdict: Verdict; exitCode: number }> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const waitDeadline = Date.now() + (opts.reportWaitMs ?? 300_000);
  while (!existsSync(opts.reportPath) && Date.now() < waitDeadline) await sleep(500);
  const finish = (verdict: Verdict, exitCode: number): { verdict: Verdict; exitCode: number } => {
    if (opts.verdictPath) {
      mkdirSync(path.dirname(opts.verdictPath), { recursive: true });
      const tmp = `${opts.verdictPath}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(verdict, null, 2)}\n`);
      renameSync(tmp, opts.verdictPath);
    }
    return { verdict, exitCode };
  };
  if (!existsSync(opts.reportPath)) {
    const c: Check = { scenario: "*", check: "producer report", ok: false, detail: `${opts.reportPath} did not appear` };
    log(formatChecks([c]));
    return finish({ ok: false, runTag: "?", checks: [c], failures: 1 }, 2);
  }
  const report = JSON.parse(readFileSync(opts.reportPath, "utf8")) as ProducerReport;
  const scenarios = selectScenarios(loadScenarios(opts.scenariosFile), opts.only);
  const settleDeadline = Date.now() + (opts.settleMs ?? 8000);
  let checks: Check[];
  for (;;) {
    const state = readState(opts.stateDirs);
    checks = evaluateRun(scenarios, { report, decisions: state.decisions, quarantine: state.quarantine, stateIssues: state.issues, markerExists: existsSync });
    if (checks.every((c) => c.ok) || Date.now() >= settleDeadline) break;
    await sleep(500);
  }
  const failures = checks.filter((c) => !c.ok).length;
  log(formatChecks(checks));
  log(failures === 0 ? `ASSERTOR: all ${checks.length} checks passed (run ${report.runTag})` : `ASSERTOR: ${failures} of ${checks.length} checks FAILED (run ${report.runTag})`);
  return finish({ ok: failures === 0, runTag: report.runTag, checks, failures }, failures === 0 ? 0 : report.fatal ? 2 : 1);
}

if (import.meta.main) {
  const env = process.env;
  if (!env.STACK_REPORT || !env.STACK_STATE_DIRS) {
    process.stderr.write("STACK_REPORT and STACK_STATE_DIRS are required\n");
    process.exit(2);
  }
  const { exitCode } = await runAssertor({
    reportPath: env.STACK_REPORT,
    stateDirs: env.STACK_STATE_DIRS.split(",").map((s) => s.trim()).filter(Boolean),
    ...(env.STACK_VERDICT ? { verdictPath: env.STACK_VERDICT } : {}),
    ...(env.STACK_SCENARIOS ? { scenariosFile: env.STACK_SCENARIOS } : {}),
    ...(env.STACK_ONLY ? { only: env.STACK_ONLY } : {}),
    ...(env.STACK_REPORT_WAIT_MS ? { reportWaitMs: Number(env.STACK_REPORT_WAIT_MS) } : {}),
    ...(env.STACK_SETTLE_MS ? { settleMs: Number(env.STACK_SETTLE_MS) } : {}),
  });
  process.exit(exitCode);
}
