// Control-plane detector: the agent changing OpenClaw itself through OpenClaw's own tools, not a
// shell. OpenClaw 2026.9 gives every agent an `openclaw` tool (the system agent: `config_set`,
// `plugin_uninstall`, `gateway_stop`, …) and, under the Full Access permission mode, applies the
// proposed change without asking anyone. An injected agent can therefore switch exec approvals
// off or uninstall ClawShield with one tool call. The same changes through the shell
// (`openclaw config set tools.exec.ask off`) or a file tool (editing openclaw.json) are judged by
// the command and path detectors; this closes the tool route. The `gateway` tool's config writes
// (`config.patch` / `config.apply` with a JSON5 `raw` document, older Gateways) are read the same way,
// and so is the owner-only `plugins` tool (install, enable, disable, uninstall, reload a plugin).

import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding } from "../../engine/types.ts";
import { FIX_REVIEW, type DetectorRule } from "../common/rule.ts";

const FIX_BLOCK = "The agent must not change the guard or its approvals; if the change is intended, make it yourself (openclaw config set …, or the Control UI).";

export const CONTROL_RULES = {
  guardTamper: { id: "ctl.evasion.guard-tamper", family: "defense-evasion", score: 85, tag: "approval_bypass", message: `an OpenClaw tool call would uninstall, disable or reconfigure the ClawShield plugin, or unload it through the plugin allow/deny lists. ${FIX_BLOCK}` },
  approvalsOff: { id: "ctl.evasion.approvals-off", family: "defense-evasion", score: 85, tag: "approval_bypass", message: `an OpenClaw tool call would weaken exec approvals (tools.exec.ask = off, tools.exec.security = full, a Full Access permission mode), so later commands run without a human. ${FIX_BLOCK}` },
  exposure: { id: "ctl.exposure.open-access", family: "exposure", score: 50, tag: "approval_bypass", message: `an OpenClaw tool call would open the Gateway or a channel to anyone (gateway auth off, a non-loopback bind, dmPolicy open, allowFrom "*"). ${FIX_REVIEW}` },
  pluginCode: { id: "ctl.plugin.code-change", family: "persistence", score: 50, tag: "persistence", message: `an OpenClaw tool call would install, activate or reload plugin code inside the Gateway (plugin_install, plugin_activate_artifact, plugins install/reload): it runs with the Gateway's full rights. ${FIX_REVIEW}` },
  configWrite: { id: "ctl.config.write", family: "configuration", score: 35, tag: "policy_change", message: `an OpenClaw tool call would make a persistent change to OpenClaw (config, default model, agents, plugins, Gateway start/stop); under Full Access OpenClaw applies it without asking. ${FIX_REVIEW}` },
} as const satisfies Record<string, DetectorRule>;

export const CONTROL_RULE_LIST: readonly DetectorRule[] = Object.values(CONTROL_RULES);

/** `openclaw` tool actions that change something (its read actions and guided setups do not). */
const OPENCLAW_WRITES = new Set(["setup", "set_default_model", "config_set", "config_set_ref", "create_agent", "create_team", "gateway_start", "gateway_stop", "plugin_install", "plugin_activate_artifact", "plugin_uninstall"]);
/** `gateway` tool actions that write config or update the installation. */
const GATEWAY_WRITES = /^(?:config\.(?:apply|patch|set)|update\.run)$/;
/** `plugins` tool actions that change the loaded plugins (list, inspect and search only read). */
const PLUGINS_WRITES = new Set(["install", "enable", "disable", "uninstall", "reload"]);
const GUARD_ID = /clawshield/i;

/** One config leaf a call would set: a dotted, lower-cased path and its value. */
interface Leaf {
  readonly path: string;
  readonly value: unknown;
}

export function createControlDetector(): Detector {
  return {
    id: "control",
    detect({ action }) {
      const tool = action.tool?.toLowerCase();
      if (tool !== "openclaw" && tool !== "gateway" && tool !== "plugins") return [];
      const params = action.params ?? {};
      const op = typeof params.action === "string" ? params.action.trim().toLowerCase() : "";
      const out: Finding[] = [];
      const push = (rule: DetectorRule, field: string, shown: string, note?: string): void => {
        if (out.some((f) => f.ruleId === rule.id)) return;
        out.push({
          ruleId: rule.id,
          category: `control/${rule.family}`,
          score: rule.score,
          tag: rule.tag,
          message: note === undefined ? rule.message : `${rule.message} (${note})`,
          evidence: { field, start: 0, end: Math.min(shown.length, 200), excerpt: excerpt(shown, 0, Math.min(shown.length, 200)) },
        });
      };

      if (tool === "openclaw" && op === "" && typeof params.message === "string") {
        // A regular agent's `openclaw` tool delegates a request in words ({message}) to the system
        // agent, which turns it into one of the typed calls below.
        judgeRequest(params.message, push);
        if (out.length === 0 && ASKS_CHANGE.test(params.message)) push(CONTROL_RULES.configWrite, "params.message", excerpt(params.message, 0, Math.min(params.message.length, 200)), "a change delegated to the system agent");
        return out;
      }
      if (tool === "openclaw") {
        if (!OPENCLAW_WRITES.has(op)) return [];
        const pluginId = str(params.pluginId);
        if (op === "plugin_uninstall" && GUARD_ID.test(pluginId)) push(CONTROL_RULES.guardTamper, "params.pluginId", `plugin_uninstall ${pluginId}`);
        if (op === "plugin_install" || op === "plugin_activate_artifact") push(CONTROL_RULES.pluginCode, "params.action", `${op} ${str(params.spec) || str(params.path)}`.trim());
        if (op === "config_set" || op === "config_set_ref") judgeLeaves(leavesOf(str(params.path), op === "config_set" ? parseValue(str(params.value)) : { $ref: str(params.envVar) }), "params.value", push);
        // The general rule only when no specific one explains the call (scores add up).
        if (out.length === 0) push(CONTROL_RULES.configWrite, "params.action", describe(op, params));
        return out;
      }

      if (tool === "plugins") {
        // OpenClaw 2026.9's owner-only plugin manager: {action, pluginId, source, packageName, …}.
        const target = str(params.pluginId) || str(params.packageName);
        // Reads, and switching ClawShield itself on, change nothing that needs a person.
        if (!PLUGINS_WRITES.has(op) || (op === "enable" && GUARD_ID.test(target))) return [];
        const shown = `plugins ${op} ${target}`.trim();
        if ((op === "disable" || op === "uninstall") && GUARD_ID.test(target)) push(CONTROL_RULES.guardTamper, "params.pluginId", shown);
        // A reload activates whatever the plugin's files now hold: new code, like an install.
        else if (op === "install" || op === "reload") push(CONTROL_RULES.pluginCode, "params.action", `${shown}${str(params.source) === "" ? "" : ` (${str(params.source)})`}`);
        else push(CONTROL_RULES.configWrite, "params.action", shown);
        return out;
      }

      // gateway tool: config.patch / config.apply carry a JSON5 document in `raw`; config.set a path and value.
      if (!GATEWAY_WRITES.test(op)) return [];
      const raw = str(params.raw);
      if (raw !== "") judgeLeaves(leavesOf("", parseValue(raw)), "params.raw", push, raw);
      if (str(params.path) !== "") judgeLeaves(leavesOf(str(params.path), parseValue(str(params.value))), "params.value", push);
      if (out.length === 0) push(CONTROL_RULES.configWrite, "params.action", `gateway ${op}`);
      return out;
    },
  };
}

type Push = (rule: DetectorRule, field: string, shown: string, note?: string) => void;

/**
 * The control rules a `config set <path> <value>` would trigger, for the shell route
 * (`openclaw config set …`, judged by the command detector) to share this detector's reading.
 */
export function configSetRules(path: string, valueText: string): { rule: DetectorRule; shown: string; note?: string }[] {
  const out: { rule: DetectorRule; shown: string; note?: string }[] = [];
  judgeLeaves(leavesOf(path, parseValue(valueText)), "command", (rule, _field, shown, note) => {
    if (!out.some((x) => x.rule.id === rule.id)) out.push({ rule, shown, ...(note === undefined ? {} : { note }) });
  });
  return out;
}

function judgeLeaves(leaves: readonly Leaf[], field: string, push: Push, rawText?: string): void {
  for (const { path, value } of leaves) {
    const v = typeof value === "string" ? value.trim().toLowerCase() : value;
    const shown = `${path} = ${SECRET_PATH.test(path) ? "[value hidden]" : typeof value === "string" ? value : JSON.stringify(value)}`;
    // ClawShield itself: any change under its plugin entry (enabled=false, auditOnly, outboundSecrets=off, …).
    if (/^plugins\.entries\.clawshield(?:\.|$)/.test(path) && !(path.endsWith(".enabled") && v === true)) push(CONTROL_RULES.guardTamper, field, shown);
    else if (path === "plugins.enabled" && (v === false || v === "false")) push(CONTROL_RULES.guardTamper, field, shown, "turns every plugin off");
    else if (/^plugins\.deny(?:\.\d+)?$/.test(path) && mentionsGuard(value)) push(CONTROL_RULES.guardTamper, field, shown, "denies the ClawShield plugin");
    else if (path === "plugins.allow" && Array.isArray(value) && value.length > 0 && !mentionsGuard(value)) push(CONTROL_RULES.guardTamper, field, shown, "an allowlist without ClawShield unloads it");
    // Exec approvals, globally or for one agent.
    if (/(?:^|\.)tools\.exec\.ask$/.test(path) && (v === "off" || v === "never" || v === false || v === "false")) push(CONTROL_RULES.approvalsOff, field, shown);
    else if (/(?:^|\.)tools\.exec\.security$/.test(path) && v === "full") push(CONTROL_RULES.approvalsOff, field, shown);
    else if (/(?:^|\.)(?:permissionmode|permissions?\.mode|defaultpermissionmode)$/.test(path) && v === "full") push(CONTROL_RULES.approvalsOff, field, shown, "Full Access applies every later change without asking");
    // ACP harnesses (Codex, Claude Code, Gemini CLI through acpx): "the harness-level break-glass switch".
    else if (/^plugins\.entries\.acpx\.config\.permissionmode$/.test(path) && v === "approve-all") push(CONTROL_RULES.approvalsOff, field, shown, "ACP coding agents would run every command and write without asking");
    // Open doors.
    if (path === "gateway.auth.mode" && v === "none") push(CONTROL_RULES.exposure, field, shown);
    else if (path === "gateway.bind" && typeof v === "string" && !/^(?:loopback|localhost|127\.0\.0\.1|::1|auto)$/.test(v)) push(CONTROL_RULES.exposure, field, shown);
    else if (/^channels\.[^.]+(?:\.accounts\.[^.]+)?\.dmpolicy$/.test(path) && v === "open") push(CONTROL_RULES.exposure, field, shown);
    else if (/^channels\..+\.allowfrom(?:\.\d+)?$/.test(path) && (v === "*" || (Array.isArray(value) && value.includes("*")))) push(CONTROL_RULES.exposure, field, shown);
  }
  // A document we could not parse is still read for the plainest forms.
  if (rawText !== undefined && leaves.length === 0) {
    if (/\bclawshield\b[^}]{0,80}\benabled\W{1,4}false\b/i.test(rawText)) push(CONTROL_RULES.guardTamper, field, excerpt(rawText, 0, Math.min(rawText.length, 200)));
    if (/\bask\W{1,4}(?:off|never)\b|\bsecurity\W{1,4}full\b/i.test(rawText)) push(CONTROL_RULES.approvalsOff, field, excerpt(rawText, 0, Math.min(rawText.length, 200)));
  }
}

/** Changes asked for in words: "uninstall the clawshield plugin", "set tools.exec.ask to off". */
const ASKS_GUARD_OFF = /\b(?:uninstall|disable|remove|delete|deny|unload|turn(?:ing)? off|switch(?:ing)? off|stop|kill|deactivate|block)\b[^.!?\n]{0,60}\bclaw ?shield\b|\bclaw ?shield\b[^.!?\n]{0,40}\b(?:off|disabled?|false|uninstall(?:ed)?|removed?|denied|deny list)\b|\bplugins\.enabled\W{1,6}false\b/i;
const ASKS_APPROVALS_OFF = /\bapprove-all\b|\bbypass ?permissions\b|\btools\.exec\.ask\b\W{0,8}(?:(?:to|=|:|as)\W{0,4})?(?:off|never|false)\b|\btools\.exec\.security\b\W{0,8}(?:(?:to|=|:|as)\W{0,4})?full\b|\b(?:disable|turn off|switch off|remove|skip|bypass)\b[^.!?\n]{0,30}\b(?:exec |command |tool )?approvals?\b|\b(?:permission mode|permissions?)\b[^.!?\n]{0,20}\bfull(?: access)?\b|\bfull access\b[^.!?\n]{0,30}\b(?:default|mode|on|enable)/i;
const ASKS_OPEN = /\bgateway\.auth\.mode\W{0,8}(?:(?:to|=|:)\W{0,4})?none\b|\bdm ?policy\W{0,8}(?:(?:to|=|:)\W{0,4})?open\b|\ballow ?from\W{0,12}["']?\*/i;
const ASKS_PLUGIN_CODE = /\b(?:install|activate|add)\b[^.!?\n]{0,40}\bplugins?\b|\bplugin_(?:install|activate_artifact)\b/i;
const ASKS_CHANGE = /\b(?:set|change|update|enable|disable|install|uninstall|remove|delete|restart|stop|start|create|add|connect|configure|switch|turn|allow|deny|reset|write|edit|patch|apply)\b/i;

function judgeRequest(text: string, push: Push): void {
  const t = text.length > 16 * 1024 ? text.slice(0, 16 * 1024) : text;
  const shown = excerpt(t, 0, Math.min(t.length, 200));
  if (ASKS_GUARD_OFF.test(t)) push(CONTROL_RULES.guardTamper, "params.message", shown, "requested in words");
  if (ASKS_APPROVALS_OFF.test(t)) push(CONTROL_RULES.approvalsOff, "params.message", shown, "requested in words");
  if (ASKS_OPEN.test(t)) push(CONTROL_RULES.exposure, "params.message", shown, "requested in words");
  if (ASKS_PLUGIN_CODE.test(t)) push(CONTROL_RULES.pluginCode, "params.message", shown, "requested in words");
}

function mentionsGuard(value: unknown): boolean {
  if (typeof value === "string") return GUARD_ID.test(value);
  if (Array.isArray(value)) return value.some((x) => typeof x === "string" && GUARD_ID.test(x));
  return false;
}

/** Flattens a value set at `base` into leaves; arrays stay whole (list settings), objects recurse. */
export function leavesOf(base: string, value: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (path: string, v: unknown, depth: number): void => {
    if (out.length >= 512) return;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 16) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(path === "" ? k.toLowerCase() : `${path}.${k.toLowerCase()}`, x, depth + 1);
      return;
    }
    if (path !== "") out.push({ path, value: v });
  };
  walk(normalizePath(base), value, 0);
  return out;
}

/** `plugins.entries["clawshield"].enabled` → `plugins.entries.clawshield.enabled`. */
function normalizePath(p: string): string {
  return p
    .trim()
    .replace(/\[\s*["']?([^\]"']*)["']?\s*\]/g, ".$1")
    .replace(/^\.+|\.+$/g, "")
    .replace(/\.{2,}/g, ".")
    .toLowerCase();
}

/**
 * A config value as OpenClaw would read it: JSON5 or a plain string. JSON first; then the JSON5
 * forms agents write (unquoted keys, single quotes, trailing commas) rewritten to JSON; else the
 * text itself.
 */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t) as unknown;
  } catch {
    // fall through
  }
  if (/^[[{]/.test(t) && t.length <= 64 * 1024) {
    const json = t
      .replace(/\/\/[^\n]*/g, "")
      .replace(/'([^'\\]*)'/g, (_, s: string) => JSON.stringify(s))
      .replace(/([{,]\s*)([A-Za-z_$][\w$-]*)(\s*:)/g, '$1"$2"$3')
      .replace(/,(\s*[}\]])/g, "$1");
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return t;
    }
  }
  return t;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** Config paths whose values are credentials: evidence names the path, never the value. */
const SECRET_PATH = /token|password|passwd|secret|api_?key|apikey|credential|private/i;

function describe(op: string, params: Readonly<Record<string, unknown>>): string {
  const parts = [op];
  const hideValue = typeof params.path === "string" && SECRET_PATH.test(params.path);
  for (const k of ["path", "value", "envVar", "model", "agentId", "spec", "pluginId"]) {
    if (typeof params[k] !== "string" || params[k] === "") continue;
    parts.push(k === "value" && hideValue ? "value=[hidden]" : `${k}=${params[k] as string}`);
  }
  return parts.join(" ");
}
