// Command-risk detector: every command subject (the action's command, shell-tool params, argv)
// against the built-in rules, the operator's blocked_command_patterns and the allow-lists.

import { createHash } from "node:crypto";
import type { SecurityConfig } from "../../config/schema.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding } from "../../engine/types.ts";
import { compileUserPattern } from "../common/regex.ts";
import type { ShellParser } from "./parser.ts";
import { COMMAND_RULES } from "./rules.ts";

/** Points for a match of an operator-configured blocked_command_patterns entry. */
export const USER_BLOCKED_PATTERN_SCORE = 80;

export function createCommandDetector(security: SecurityConfig, _shell?: ShellParser): Detector {
  const user = security.blocked_command_patterns.map(compileUserPattern);
  const exact = new Set(security.allowed_commands.map((c) => c.trim()));
  const hashes = new Set(security.allowed_command_hashes.map((h) => h.toLowerCase()));
  return {
    id: "command",
    detect({ subjects }) {
      const out: Finding[] = [];
      for (const s of subjects) {
        if (s.kind !== "command") continue;
        const cmd = s.value;
        const trimmed = cmd.trim();
        if (exact.has(trimmed) || (hashes.size > 0 && hashes.has(createHash("sha256").update(trimmed).digest("hex")))) continue;
        for (const r of COMMAND_RULES) {
          const m = r.pattern.exec(cmd);
          if (m) out.push({ ruleId: r.id, category: `command/${r.category}`, score: r.score, tag: r.tag, message: r.message, evidence: { field: s.field, start: m.index, end: m.index + m[0].length, excerpt: excerpt(cmd, m.index, m.index + m[0].length) } });
        }
        user.forEach((p, i) => {
          const m = p.find(cmd);
          if (m) out.push({ ruleId: `cmd.user.${i}`, category: "command/user-rule", score: USER_BLOCKED_PATTERN_SCORE, tag: "blocked_command_pattern", message: `matched security.blocked_command_patterns[${i}] \`${p.source}\``, evidence: { field: s.field, start: m[0], end: m[1], excerpt: excerpt(cmd, m[0], m[1]) } });
        });
        if (security.unlisted_command_score > 0 && security.allowed_command_prefixes.length > 0) {
          const segments = trimmed.split(/\s*(?:&&|\|\||[;|\n])\s*/).filter((x) => x !== "");
          const unlisted = segments.find((seg) => !security.allowed_command_prefixes.some((p) => seg.startsWith(p)));
          if (unlisted !== undefined) out.push({ ruleId: "cmd.not-allowlisted", category: "command/allowlist", score: security.unlisted_command_score, tag: "not_in_allowlist", message: "a command in this line is outside allowed_command_prefixes", evidence: { field: s.field, start: 0, end: unlisted.length, excerpt: excerpt(unlisted) } });
        }
      }
      return out;
    },
  };
}
