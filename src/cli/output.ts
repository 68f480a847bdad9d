// Rendering decisions for people (coloured on a TTY, NO_COLOR honoured) and for machines (JSON),
// and the documented exit codes.

import { styleText } from "node:util";
import type { Decision, DecisionAction } from "../engine/types.ts";

/** Exit codes of eval / check-command / scan-text (README "CLI tour"). */
export const ExitCode = { allow: 0, review: 10, block: 20, usage: 2, internal: 1 } as const;

export function exitCodeFor(action: DecisionAction): number {
  return ExitCode[action];
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";
}

type Style = Parameters<typeof styleText>[0];
function paint(on: boolean, style: Style, s: string): string {
  return on ? styleText(style, s) : s;
}

const ACTION_STYLE: Record<DecisionAction, Style> = { allow: ["bold", "green"], review: ["bold", "yellow"], block: ["bold", "red"] };
const ACTION_WORD: Record<DecisionAction, string> = { allow: "ALLOW", review: "REVIEW", block: "BLOCK" };

/** A readable, multi-line explanation of a decision. */
export function renderDecision(d: Decision, color: boolean): string {
  const lines: string[] = [];
  lines.push(`${paint(color, ACTION_STYLE[d.action], ACTION_WORD[d.action])}  risk ${d.riskScore}/100${d.rawScore > 100 ? ` (raw ${d.rawScore})` : ""}  ${paint(color, "dim", `id ${d.id}`)}`);
  if (d.findings.length === 0 && d.reasons.length === 0) lines.push(paint(color, "dim", "  nothing risky found"));
  for (const f of d.findings) {
    lines.push(`  ${paint(color, "bold", f.ruleId)} ${paint(color, "dim", `(+${f.score}, ${f.category})`)}`);
    lines.push(`    ${f.message}`);
    if (f.evidence) lines.push(`    ${paint(color, "dim", `${f.evidence.field}:`)} ${paint(color, "cyan", f.evidence.excerpt)}`);
  }
  const other = d.reasons.filter((r) => !d.findings.some((f) => r.startsWith(`${f.ruleId}:`)));
  for (const r of other) lines.push(`  ${paint(color, "dim", "·")} ${r}`);
  if (d.tags.length > 0) lines.push(paint(color, "dim", `  tags: ${d.tags.join(", ")}`));
  const what: Record<DecisionAction, string> = {
    allow: "ClawShield would let this run.",
    review: "ClawShield would ask a person to approve this first.",
    block: "ClawShield would refuse this and keep a quarantine record.",
  };
  lines.push(paint(color, "dim", `  ${what[d.action]}`));
  return lines.join("\n");
}
