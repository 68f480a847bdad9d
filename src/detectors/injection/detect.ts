// Prompt-injection detector: scans every text subject (inbound messages, tool outputs, tool
// arguments) with the built-in rules and the operator's prompt_injection_patterns.

import type { SecurityConfig } from "../../config/schema.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding } from "../../engine/types.ts";
import { compileUserPattern } from "../common/regex.ts";
import { INJECTION_RULES } from "./rules.ts";

/** Points for a match of an operator-configured prompt_injection_patterns entry. */
export const USER_INJECTION_PATTERN_SCORE = 40;

export function createInjectionDetector(security: SecurityConfig): Detector {
  const user = security.prompt_injection_patterns.map(compileUserPattern);
  return {
    id: "injection",
    detect({ subjects }) {
      const out: Finding[] = [];
      for (const s of subjects) {
        if (s.kind !== "text") continue;
        const text = s.value.length > security.max_scan_bytes ? s.value.slice(0, security.max_scan_bytes) : s.value;
        for (const r of INJECTION_RULES) {
          const m = r.pattern.exec(text);
          if (m) out.push({ ruleId: r.id, category: `prompt-injection/${r.family}`, score: r.score, tag: "prompt_injection", message: r.message, evidence: { field: s.field, start: m.index, end: m.index + m[0].length, excerpt: excerpt(text, m.index, m.index + m[0].length) } });
        }
        user.forEach((p, i) => {
          const m = p.find(text);
          if (m) out.push({ ruleId: `inj.user.${i}`, category: "prompt-injection/user-rule", score: USER_INJECTION_PATTERN_SCORE, tag: "prompt_injection", message: `matched security.prompt_injection_patterns[${i}] \`${p.source}\``, evidence: { field: s.field, start: m[0], end: m[1], excerpt: excerpt(text, m[0], m[1]) } });
        });
      }
      return out;
    },
  };
}
