// The Rust runtime's prompt and command guards, score for score (rust-agent-spec §3, §4), used
// when security.scoring = "compat". Like the Rust code, only the first prompt-like and the first
// command-like field are read; that weakness is kept here on purpose so old decisions reproduce.

import type { SecurityConfig } from "../../config/schema.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Action, Detector, Finding } from "../../engine/types.ts";
import { compileUserPattern } from "../common/regex.ts";

const COMMAND_KEYS = ["command", "shell", "bash", "exec"] as const;

/** Depth-first search with the Rust key order: listed keys first, then children alphabetically. */
function findFirstString(v: unknown, keys: readonly string[], depth = 0): string | undefined {
  if (depth > 32 || typeof v !== "object" || v === null) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = findFirstString(x, keys, depth + 1);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  const o = v as Record<string, unknown>;
  for (const k of keys) {
    const x = o[k];
    if (typeof x === "string") return x;
    if (typeof x === "number" || typeof x === "boolean") return String(x);
  }
  for (const k of Object.keys(o).sort()) {
    const r = findFirstString(o[k], keys, depth + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}

function compatCommand(action: Action): string | undefined {
  return action.command ?? findFirstString(action.params, COMMAND_KEYS);
}

export function createCompatPromptDetector(security: SecurityConfig): Detector {
  const patterns = security.prompt_injection_patterns.map(compileUserPattern);
  return {
    id: "compat.prompt",
    detect({ action }) {
      const prompt = action.text ?? findFirstString(action.params, ["prompt", "message", "text", "input"]);
      if (prompt === undefined) return [];
      const out: Finding[] = [];
      patterns.forEach((p, i) => {
        const m = p.find(prompt);
        if (m) out.push({ ruleId: `compat.prompt.pattern.${i}`, category: "prompt-injection", score: 18, tag: "prompt_injection", message: `prompt matched risky pattern \`${p.source}\``, evidence: { field: "text", start: m[0], end: m[1], excerpt: excerpt(prompt, m[0], m[1]) } });
      });
      const lower = prompt.toLowerCase();
      if (lower.includes("system prompt") || lower.includes("developer instructions")) out.push({ ruleId: "compat.prompt.exfiltration", category: "prompt-injection", score: 14, tag: "prompt_exfiltration", message: "prompt asks for hidden instruction disclosure" });
      if (lower.includes("without asking") || lower.includes("do not ask for approval")) out.push({ ruleId: "compat.prompt.approval-bypass", category: "prompt-injection", score: 14, tag: "approval_bypass", message: "prompt attempts to bypass approval flow" });
      if (Buffer.byteLength(prompt, "utf8") > 32000) out.push({ ruleId: "compat.prompt.oversized", category: "prompt-injection", score: 8, tag: "oversized_payload", message: "prompt payload is unusually large" });
      return capTotal(out);
    },
  };
}

export function createCompatCommandDetector(security: SecurityConfig): Detector {
  const patterns = security.blocked_command_patterns.map(compileUserPattern);
  const prefixes = security.allowed_command_prefixes;
  return {
    id: "compat.command",
    detect({ action }) {
      const cmd = compatCommand(action);
      if (cmd === undefined) return [];
      const out: Finding[] = [];
      patterns.forEach((p, i) => {
        const m = p.find(cmd);
        if (m) out.push({ ruleId: `compat.command.pattern.${i}`, category: "command", score: 80, tag: "blocked_command_pattern", message: `command matched blocked pattern \`${p.source}\``, evidence: { field: "command", start: m[0], end: m[1], excerpt: excerpt(cmd, m[0], m[1]) } });
      });
      const norm = cmd.trim().toLowerCase();
      if (norm.includes("sudo ")) out.push({ ruleId: "compat.command.sudo", category: "command", score: 18, tag: "privilege_escalation", message: "command requests elevated privileges" });
      if (norm.includes("curl ") && norm.includes("|")) out.push({ ruleId: "compat.command.curl-pipe", category: "command", score: 22, tag: "remote_pipe_exec", message: "command pipes remote content to shell" });
      if (norm.includes("wget ") && norm.includes("|")) out.push({ ruleId: "compat.command.wget-pipe", category: "command", score: 22, tag: "remote_pipe_exec", message: "command pipes remote download to shell" });
      const start = cmd.trimStart();
      if (prefixes.length > 0 && !prefixes.some((p) => start.startsWith(p))) out.push({ ruleId: "compat.command.not-allowlisted", category: "command", score: 20, tag: "not_in_allowlist", message: "command prefix not in allowlist" });
      return capTotal(out);
    },
  };
}

/** Each Rust guard capped its own total at 100; keep that by trimming the last finding's score. */
function capTotal(out: Finding[]): Finding[] {
  let total = 0;
  return out.map((fd) => {
    const room = Math.max(0, 100 - total);
    total += Math.min(fd.score, room);
    return fd.score <= room ? fd : { ...fd, score: room };
  });
}
