// Turns an engine Decision into what OpenClaw's before_tool_call understands: a block with a short,
// readable reason, or a plugin approval request for the human (title ≤ 80, description ≤ 512).

import type { Decision, Finding } from "../engine/types.ts";
import type { PluginConfig } from "../config/sections/plugin.ts";
import type { BeforeToolCallResult, RequireApproval } from "./types.ts";

export const TITLE_MAX = 80;
export const DESCRIPTION_MAX = 512;
export const BLOCK_REASON_MAX = 900;

export function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/** Findings that carried the decision, strongest first (one per rule). */
export function topFindings(decision: Decision, n: number): Finding[] {
  const best = new Map<string, Finding>();
  for (const fd of decision.findings) {
    const prev = best.get(fd.ruleId);
    if (prev === undefined || fd.score > prev.score || (fd.floor !== undefined && prev.floor === undefined)) best.set(fd.ruleId, fd);
  }
  return [...best.values()].sort((a, b) => (b.floor ? 1000 : 0) + b.score - ((a.floor ? 1000 : 0) + a.score)).slice(0, n);
}

function findingLine(fd: Finding, excerptMax: number): string {
  const ev = fd.evidence ? ` [${clip(fd.evidence.excerpt, excerptMax)}]` : "";
  return `${fd.ruleId} (+${fd.score}): ${clip(firstSentence(fd.message), 140)}${ev}`;
}

function firstSentence(s: string): string {
  const i = s.search(/[.;](\s|$)/);
  return i > 0 ? s.slice(0, i) : s;
}

/** "ClawShield blocked this exec call (risk 100/100, decision act-…): cmd.download-exec.pipe-to-shell (+85): … [curl … | sh]; …" */
export function blockReason(decision: Decision, tool: string, extra: readonly string[] = []): string {
  // The taint finding is explained by `extra`; list the findings about the call itself.
  const top = topFindings({ ...decision, findings: decision.findings.filter((f) => !f.ruleId.startsWith("plugin.")) }, 3);
  const more = new Set(decision.findings.filter((f) => !f.ruleId.startsWith("plugin.")).map((f) => f.ruleId)).size - top.length;
  const parts = top.map((fd) => findingLine(fd, 80));
  if (more > 0) parts.push(`+${more} more`);
  if (parts.length === 0) parts.push(...decision.reasons.slice(0, 2).map((r) => clip(r, 160)));
  const head = `ClawShield blocked this ${tool} call (risk ${decision.riskScore}/100, decision ${decision.id})`;
  const tail = "The tool call did not run; do not retry it.";
  return clip(`${head}: ${[...extra, ...parts].join("; ")}. ${tail}`, BLOCK_REASON_MAX);
}

export function approvalRequest(decision: Decision, tool: string, params: Readonly<Record<string, unknown>> | undefined, cfg: PluginConfig, extra: readonly string[] = []): RequireApproval {
  const top = topFindings(decision, 3);
  const subject = describeParams(params);
  const title = clip(`ClawShield: approve ${tool} call? (risk ${decision.riskScore}/100)`, TITLE_MAX);
  const why = [...extra, ...top.map((fd) => findingLine(fd, 60))];
  if (why.length === 0) why.push(...decision.reasons.slice(0, 2));
  const description = clip(`${subject ? `${tool}: ${clip(subject, 200)}. ` : ""}Why: ${why.join("; ")}. Decision ${decision.id}.`, DESCRIPTION_MAX);
  return {
    title,
    description,
    severity: decision.riskScore >= 55 ? "critical" : "warning",
    timeoutMs: cfg.approval_timeout_ms,
    allowedDecisions: ["allow-once", "deny"],
  };
}

/** The most telling parameter of a tool call (command, url, path…) for the human. */
export function describeParams(params: Readonly<Record<string, unknown>> | undefined): string {
  if (params === undefined) return "";
  for (const k of ["command", "cmd", "url", "path", "file_path", "targetUrl", "to", "action"]) {
    const v = params[k];
    if (typeof v === "string" && v.trim() !== "") return v;
  }
  try {
    return JSON.stringify(params) ?? "";
  } catch {
    return "";
  }
}

/** The fail-closed answer: the call is blocked and the reason says why ClawShield could not decide. */
export function failClosed(tool: string, why: string): BeforeToolCallResult {
  return { block: true, blockReason: clip(`ClawShield could not evaluate this ${tool} call (${why}), so it was blocked (fail closed). The tool call did not run.`, BLOCK_REASON_MAX) };
}
