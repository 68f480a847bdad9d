// Built-in prompt-injection rules, as data. Each rule has a stable id (never reused), a family,
// a score (risk points) and a linear-time pattern. Fixtures: test/fixtures/rules/injection.txt.

export interface InjectionRule {
  readonly id: string;
  readonly family: "instruction-override" | "system-prompt-extraction" | "approval-bypass" | "persona" | "tool-coercion" | "structure";
  readonly score: number;
  readonly pattern: RegExp;
  readonly message: string;
}

export const INJECTION_RULES: readonly InjectionRule[] = [
  {
    id: "inj.override.ignore-previous",
    family: "instruction-override",
    score: 45,
    pattern: /\b(?:ignore|disregard|forget|skip|override)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|your|the)\b[^.\n]{0,30}?\b(?:instructions?|rules|directions|guidelines|prompts?|context)\b/i,
    message: "asks the agent to drop its earlier instructions",
  },
  {
    id: "inj.extract.system-prompt",
    family: "system-prompt-extraction",
    score: 40,
    pattern: /\b(?:reveal|show|print|repeat|output|display|leak|tell me)\b[^.\n]{0,40}?\b(?:system|developer|hidden|initial)\s+(?:prompt|instructions|message)\b/i,
    message: "asks the agent to disclose its hidden instructions",
  },
  {
    id: "inj.approval.bypass",
    family: "approval-bypass",
    score: 40,
    pattern: /\b(?:without\s+(?:asking|approval|confirmation|permission)|do\s+not\s+ask\s+(?:for\s+)?(?:approval|permission|confirmation)|skip\s+(?:the\s+)?(?:approval|confirmation))\b/i,
    message: "tries to get an action run without the operator's approval",
  },
  {
    id: "inj.persona.dan",
    family: "persona",
    score: 45,
    pattern: /\b(?:you\s+are\s+now\s+(?:DAN|in\s+developer\s+mode)|do\s+anything\s+now|jailbreak(?:ed)?\s+mode)\b/i,
    message: "jailbreak persona (DAN-style) that claims to lift the agent's rules",
  },
];
