// Policy math: findings + tool/channel bonuses + floors → allow/review/block, with the Rust
// runtime's semantics (rust-agent-spec §7): thresholds on the un-capped sum, tool policy floors
// that only raise, audit_only turning every block into review.

import type { SecurityConfig, RuntimeConfig } from "../config/schema.ts";
import { ACTION_RANK, maxAction, type Action, type DecisionAction, type Finding } from "./types.ts";

export interface PolicyInput {
  readonly action: Action;
  readonly findings: readonly Finding[];
  readonly security: SecurityConfig;
  readonly runtime: Pick<RuntimeConfig, "audit_only">;
}

export interface PolicyResult {
  readonly action: DecisionAction;
  readonly rawScore: number;
  readonly riskScore: number;
  readonly reasons: string[];
  readonly tags: string[];
}

/** Applies thresholds, bonuses, floors and audit_only. Pure. */
export function applyPolicy(input: PolicyInput): PolicyResult {
  const { action, findings, security } = input;
  const compat = security.scoring === "compat";
  const reasons: string[] = [];
  const tags: string[] = [];
  const tag = (t: string): void => {
    if (!tags.includes(t)) tags.push(t);
  };

  // Findings: in clawshield scoring, one rule counts once (its strongest hit); compat sums every hit.
  let risk = 0;
  let floor: DecisionAction = "allow";
  const best = new Map<string, Finding>();
  for (const fd of findings) {
    if (compat) {
      risk += fd.score;
      continue;
    }
    const prev = best.get(fd.ruleId);
    if (prev === undefined || fd.score > prev.score) best.set(fd.ruleId, fd);
  }
  if (!compat) for (const fd of best.values()) risk += fd.score;
  for (const fd of findings) {
    tag(fd.tag);
    if (fd.floor !== undefined) floor = maxAction(floor, fd.floor);
  }
  for (const fd of compat ? findings : best.values()) reasons.push(formatFindingReason(fd));

  const tool = action.tool?.trim().toLowerCase();
  if (tool !== undefined && tool !== "") {
    const bonus = security.tool_risk_bonus[tool];
    if (bonus !== undefined) {
      risk += bonus;
      tag("tool_risk_bonus");
      reasons.push(`tool \`${tool}\` risk bonus +${bonus}`);
    }
    const pol = security.tool_policies[tool];
    if (pol !== undefined) {
      floor = maxAction(floor, pol);
      tag("tool_policy");
      reasons.push(`tool \`${tool}\` policy is ${pol}`);
    }
  }
  const channel = action.context.channel?.trim().toLowerCase();
  if (channel !== undefined && channel !== "") {
    const bonus = security.channel_risk_bonus[channel];
    if (bonus !== undefined) {
      risk += bonus;
      tag("channel_risk_bonus");
      reasons.push(`channel \`${channel}\` risk bonus +${bonus}`);
    }
  }
  if (!compat && action.context.tainted === true && action.kind === "tool_call" && security.taint_bonus > 0) {
    risk += security.taint_bonus;
    tag("session_tainted");
    reasons.push(`session earlier received a prompt injection: tool calls judged more strictly (+${security.taint_bonus})`);
  }

  let result: DecisionAction = risk >= security.block_threshold ? "block" : risk >= security.review_threshold ? "review" : "allow";
  result = maxAction(result, floor);
  if (input.runtime.audit_only && result === "block") {
    result = "review";
    tag("audit_only");
    reasons.push("audit_only enabled: block converted to review");
  }
  return { action: result, rawScore: risk, riskScore: Math.min(100, Math.max(0, risk)), reasons, tags };
}

/** "cmd.download-exec.pipe-to-shell: downloads content and pipes it into a shell … [command: `curl x | sh`]" */
export function formatFindingReason(fd: Finding): string {
  const ev = fd.evidence ? ` [${fd.evidence.field}: \`${fd.evidence.excerpt}\`]` : "";
  return `${fd.ruleId}: ${fd.message}${ev}`;
}

/** True when `a` is strictly more severe than `b`. */
export function moreSevere(a: DecisionAction, b: DecisionAction): boolean {
  return ACTION_RANK[a] > ACTION_RANK[b];
}
