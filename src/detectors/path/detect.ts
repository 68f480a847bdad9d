// Path detector: the paths an agent hands to file tools (OpenClaw's read / write / edit /
// apply_patch, or any tool with a path-like parameter) judged by what the tool does with them.
// A shell command that touches the same paths is judged by the command detector; this closes the
// way around it: `write ~/.ssh/authorized_keys` or `edit clawshield.toml` needs no shell.
// Vocabularies are shared with the command detector (common/sensitive-paths.ts).

import { isShellTool } from "../../engine/action.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding, Subject } from "../../engine/types.ts";
import { FIX_REVIEW, type DetectorRule } from "../common/rule.ts";
import { isSendTool } from "../common/send-tools.ts";
import { anyRe, GUARD_FILE, PERSIST_RES, RC_FILE, SECRET_RES, SYSTEM_FILE } from "../common/sensitive-paths.ts";

export type Access = "write" | "read" | "send" | "unknown";

type PathRule = DetectorRule;

const FIX_BLOCK = "Do not let the agent change it; if it is really intended, make the change by hand.";

export const PATH_RULES = {
  guardTamper: { id: "file.evasion.guard-tamper", family: "defense-evasion", score: 85, tag: "approval_bypass", message: `a file tool changes ClawShield's config or evidence, or the OpenClaw Gateway's config or exec approvals: the guard's own settings. ${FIX_BLOCK}` },
  persistWrite: { id: "file.persistence.sensitive-write", family: "persistence", score: 75, tag: "persistence", message: `a file tool writes a persistence or system-auth location (authorized_keys, sudoers, cron, systemd units, ld.so.preload, launchd, /etc/passwd, git hooks). ${FIX_BLOCK}` },
  rcWrite: { id: "file.persistence.shell-rc-write", family: "persistence", score: 35, tag: "persistence", message: `a file tool changes a shell start-up file (.bashrc, .profile, .zshrc …), which runs on every new shell. ${FIX_REVIEW}` },
  systemWrite: { id: "file.persistence.system-file-write", family: "persistence", score: 35, tag: "persistence", message: `a file tool writes a system file (/etc, /usr, /bin, /boot, /proc/sys …). ${FIX_REVIEW}` },
  secretSend: { id: "file.exfil.secret-send", family: "exfiltration", score: 80, tag: "exfiltration", message: `a sending tool (a chat message's attachment, an upload, mail) would send a credential or private-key file, or the Gateway's config with its tokens, off the host. Do not send it; if it is really intended, send it by hand.` },
  secret: { id: "file.credential.secret-access", family: "credential-access", score: 35, tag: "credential_access", message: `a file tool opens a credential or private-key file (SSH keys, cloud credentials, .env, shadow, browser stores, OpenClaw secrets, macOS Messages/Mail/Safari history/contacts/notes). ${FIX_REVIEW}` },
  unknownSensitive: { id: "file.persistence.sensitive-path", family: "persistence", score: 35, tag: "persistence", message: `a tool of unknown effect is given a persistence, system-auth or guard location. ${FIX_REVIEW}` },
} as const satisfies Record<string, PathRule>;

export const PATH_RULE_LIST: readonly PathRule[] = Object.values(PATH_RULES);

/** The Gateway's own config and approvals (a write changes what it lets the agent do). */
const OPENCLAW_CONFIG = /\.openclaw\/+(?:openclaw\.json|exec-approvals\.json)\b|(?:^|\/)exec-approvals\.json$/;
const WRITE_TOOL = /(?:^|[_.-])(?:write|edit|apply_patch|patch|create|save|append|replace|str_replace|insert|move|rename|delete|remove|upload|put|copy)(?:$|[_.-])|^(?:write|edit|apply_patch|multiedit|notebookedit)$/i;
const READ_TOOL = /(?:^|[_.-])(?:read|view|open|cat|get|load|show|download)(?:$|[_.-])|^(?:read|glob|grep|ls)$/i;

/** What a tool does with the paths it is given. Sending comes first: `upload_file` sends. */
export function accessOf(tool: string | undefined): Access {
  if (tool === undefined) return "unknown";
  if (isSendTool(tool)) return "send";
  if (WRITE_TOOL.test(tool)) return "write";
  if (READ_TOOL.test(tool)) return "read";
  return "unknown";
}

/** Paths an apply_patch input adds, updates, deletes or moves to. */
export function patchPaths(input: string): string[] {
  const out: string[] = [];
  const re = /^\*\*\* (?:(?:Add|Update|Delete) File|Move to): (.+)$/gm;
  for (let m = re.exec(input); m !== null && out.length < 256; m = re.exec(input)) out.push(m[1]!.trim());
  return out;
}

/**
 * Windows folders judged like their Unix twins (OpenClaw's file tools take native paths on Windows
 * hosts): the Startup folder and the task store are autostart locations; Windows and Program Files
 * are system folders.
 */
const WIN_PERSIST = /\/start menu\/+programs\/+startup\/|\/windows\/+system32\/+tasks\//i;
const WIN_SYSTEM = /^[a-z]:\/+(?:windows|program files(?: \(x86\))?)\//i;

/** The rule a path earns for an access, if any. */
export function judgePath(path: string, access: Access): PathRule | undefined {
  const trimmed = path.trim();
  if (trimmed === "" || trimmed.length > 4096) return undefined;
  // C:\Users\a\.ssh\id_rsa is read as C:/Users/a/.ssh/id_rsa, so the shared vocabularies apply.
  const p = trimmed.includes("\\") ? trimmed.replace(/\\/g, "/") : trimmed;
  const guard = GUARD_FILE.test(p) || OPENCLAW_CONFIG.test(p);
  const persist = anyRe(PERSIST_RES, p) || WIN_PERSIST.test(p);
  const secret = anyRe(SECRET_RES, p);
  if (access === "send" && (secret || guard)) return PATH_RULES.secretSend;
  if (access === "write") {
    if (guard) return PATH_RULES.guardTamper;
    if (persist) return PATH_RULES.persistWrite;
    if (RC_FILE.test(p)) return PATH_RULES.rcWrite;
  }
  if (secret) return PATH_RULES.secret;
  if (access === "write" && (SYSTEM_FILE.test(p) || WIN_SYSTEM.test(p))) return PATH_RULES.systemWrite;
  if ((access === "unknown" || access === "send") && (guard || persist)) return PATH_RULES.unknownSensitive;
  return undefined;
}

export function createPathDetector(): Detector {
  return {
    id: "path",
    detect({ action, subjects }) {
      const tool = action.tool?.toLowerCase();
      // Tools that run commands: their cwd/path parameters are context, judged by the command detector.
      if (isShellTool(tool)) return [];
      const access = accessOf(tool);
      const out: Finding[] = [];
      const seen = new Set<string>();
      const judge = (path: string, field: string): void => {
        const rule = judgePath(path, access);
        if (rule === undefined || seen.has(rule.id)) return;
        seen.add(rule.id);
        out.push({ ruleId: rule.id, category: `file/${rule.family}`, score: rule.score, tag: rule.tag, message: rule.message, evidence: { field, start: 0, end: path.length, excerpt: excerpt(path, 0, path.length) } });
      };
      for (const s of subjects as readonly Subject[]) if (s.kind === "file" && s.origin === "agent" && s.field !== "params.cwd") judge(s.value, s.field);
      const input = action.params?.["input"] ?? action.params?.["patch"];
      if ((tool === "apply_patch" || tool === "patch") && typeof input === "string") for (const p of patchPaths(input)) judge(p, "params.input");
      return out;
    },
  };
}
