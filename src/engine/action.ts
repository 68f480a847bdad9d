// Turns the documented Action JSON (or any object) into a normalized Action, and extracts every
// string worth inspecting (Subjects) from it: all params recursively, not just the first field.

import { ClawShieldError, ErrorCode } from "../errors.ts";
import { coerceBool } from "./coerce.ts";
import type { Action, ActionContext, ActionKind, Subject, SubjectKind } from "./types.ts";

/** Keys whose string value is a shell command. */
const COMMAND_KEYS = new Set(["command", "cmd", "shell", "bash", "exec", "script", "commandtext", "command_text", "run", "sh"]);
/** Keys whose array value is an argv (joined into one command). */
const ARGV_KEYS = new Set(["argv", "args", "arguments", "commandargv", "command_argv"]);
const URL_KEYS = new Set(["url", "uri", "href", "link", "targeturl", "target_url", "artifact_url", "artifacturl", "src", "endpoint", "webhook", "mediaurl", "media_url"]);
const FILE_KEYS = new Set(["file", "path", "file_path", "filepath", "filename", "artifact_path", "artifactpath", "target_file", "targetfile", "paths", "files", "dest", "destination", "cwd", "media", "attachment", "mediapath", "media_path"]);

const URL_IN_TEXT = /\b(?:https?|ftp|wss?):\/\/[^\s"'<>`)\]}]+|\b(?:data|javascript):[^\s"'<>`]{4,}/gi;
const MAX_SUBJECTS = 512;
const MAX_DEPTH = 12;
const MAX_URLS_PER_SUBJECT = 32;

/** The documented Action JSON input (README "Action JSON"). Any subset may be present. */
export interface ActionInput {
  id?: unknown;
  kind?: unknown;
  text?: unknown;
  prompt?: unknown;
  message?: unknown;
  command?: unknown;
  url?: unknown;
  file?: unknown;
  tool?: unknown;
  params?: unknown;
  toolOutput?: unknown;
  channel?: unknown;
  sessionKey?: unknown;
  chatType?: unknown;
  sender?: unknown;
  wasMentioned?: unknown;
  source?: unknown;
  accountId?: unknown;
  threadId?: unknown;
  to?: unknown;
  runId?: unknown;
  toolCallId?: unknown;
  agentId?: unknown;
  tainted?: unknown;
  [key: string]: unknown;
}

let seq = 0;
/** A process-unique id for actions that did not bring one. */
export function newActionId(prefix = "act"): string {
  seq = (seq + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${Date.now().toString(36)}-${seq.toString(36)}`;
}

/**
 * Validates and normalizes the documented Action JSON. Throws CS_INPUT_INVALID with the field
 * name when a field has the wrong type.
 */
export function parseAction(input: unknown, defaults: { source?: string } = {}): Action {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `an action must be a JSON object, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}. Fix: pass e.g. {"command":"ls"} or {"text":"hello"}.`);
  }
  const o = input as ActionInput;
  const str = (name: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `field "${name}" must be a string, got ${Array.isArray(v) ? "an array" : typeof v}.`, { field: name });
  };
  const bool = (name: string, v: unknown): boolean | undefined => {
    if (v === undefined || v === null) return undefined;
    const b = coerceBool(v);
    if (b !== undefined) return b;
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `field "${name}" must be a boolean.`, { field: name });
  };
  let params: Record<string, unknown> | undefined;
  if (o.params !== undefined && o.params !== null) {
    if (typeof o.params !== "object" || Array.isArray(o.params)) {
      throw new ClawShieldError(ErrorCode.INPUT_INVALID, `field "params" must be an object (the tool's arguments).`, { field: "params" });
    }
    params = o.params as Record<string, unknown>;
  }
  const text = str("text", o.text) ?? str("prompt", o.prompt) ?? str("message", o.message);
  const command = str("command", o.command);
  const url = str("url", o.url);
  const file = str("file", o.file);
  const tool = str("tool", o.tool);
  const toolOutput = str("toolOutput", o.toolOutput);
  const kindIn = str("kind", o.kind);
  const kinds: readonly ActionKind[] = ["prompt", "tool_call", "command", "url", "file", "tool_output"];
  if (kindIn !== undefined && !kinds.includes(kindIn as ActionKind)) {
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `field "kind" must be one of ${kinds.join(", ")}.`, { field: "kind" });
  }
  const kind: ActionKind =
    (kindIn as ActionKind | undefined) ??
    (tool !== undefined || params !== undefined ? "tool_call" : command !== undefined ? "command" : toolOutput !== undefined ? "tool_output" : url !== undefined && text === undefined ? "url" : file !== undefined && text === undefined ? "file" : "prompt");
  const context: ActionContext = stripUndefined({
    sessionKey: str("sessionKey", o.sessionKey),
    channel: str("channel", o.channel)?.trim().toLowerCase(),
    chatType: str("chatType", o.chatType),
    sender: str("sender", o.sender),
    wasMentioned: bool("wasMentioned", o.wasMentioned),
    source: str("source", o.source) ?? defaults.source,
    accountId: str("accountId", o.accountId),
    threadId: str("threadId", o.threadId),
    to: str("to", o.to),
    runId: str("runId", o.runId),
    toolCallId: str("toolCallId", o.toolCallId),
    agentId: str("agentId", o.agentId),
    tainted: bool("tainted", o.tainted),
  });
  return stripUndefined({
    id: str("id", o.id) ?? newActionId(),
    kind,
    text,
    command,
    url,
    file,
    tool: tool?.trim(),
    params,
    toolOutput,
    context,
    raw: input,
  }) as Action;
}

/** Every string of the action worth inspecting, each tagged with its kind, field and origin. */
export function extractSubjects(action: Action): Subject[] {
  const out: Subject[] = [];
  const seen = new Set<string>();
  const add = (kind: SubjectKind, value: string, field: string, origin: Subject["origin"]): void => {
    if (out.length >= MAX_SUBJECTS || value.trim() === "") return;
    const k = `${kind}\u0000${value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ kind, value, field, origin });
  };
  const textOrigin: Subject["origin"] = action.kind === "tool_output" ? "tool_output" : "inbound";
  if (action.text !== undefined) add("text", action.text, "text", textOrigin);
  if (action.command !== undefined) add("command", action.command, "command", "agent");
  if (action.url !== undefined) add("url", action.url, "url", "agent");
  if (action.file !== undefined) add("file", action.file, "file", "agent");
  if (action.toolOutput !== undefined) add("text", action.toolOutput, "toolOutput", "tool_output");
  if (action.params !== undefined) {
    const tool = action.tool?.trim().toLowerCase();
    const shellTool = isShellTool(tool);
    // OpenClaw's scheduler (`automations`, formerly `cron`): its `script` payloads and triggers are Code Mode JavaScript.
    walkParams(action.params, "params", 0, add, shellTool, tool === "automations" || tool === "cron");
    // computer-use `type` sends keystrokes to whatever window has focus, a terminal included.
    if (tool === "computer" && action.params.action === "type" && typeof action.params.text === "string") add("command", action.params.text, "params.text", "agent");
    // exec's `env` ("literal overrides"): LD_PRELOAD, PATH or BASH_ENV set there shape the command as
    // much as a `VAR=… cmd` prefix, so the command is judged once more with them in front.
    const env = action.params.env;
    const cmd = typeof action.params.command === "string" ? action.params.command : action.command;
    if (shellTool && cmd !== undefined && env !== null && typeof env === "object" && !Array.isArray(env)) {
      const assigns = Object.entries(env as Record<string, unknown>)
        .filter(([k, v]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && typeof v === "string")
        .slice(0, 64)
        .map(([k, v]) => `${k}=${shellQuote(v as string)}`);
      if (assigns.length > 0) add("command", `${assigns.join(" ")} ${cmd}`, "params.env", "agent");
    }
  }
  // URLs mentioned inside text and commands get their own URL subjects.
  for (const s of [...out]) {
    if (s.kind !== "text" && s.kind !== "command") continue;
    let n = 0;
    for (const m of s.value.matchAll(URL_IN_TEXT)) {
      add("url", trimUrl(m[0]), `${s.field}#url`, s.origin);
      if (++n >= MAX_URLS_PER_SUBJECT) break;
    }
  }
  return out;
}

/** Tool Search's selector keys, in OpenClaw's order of precedence. */
const TOOL_SEARCH_SELECTORS = ["id", "toolId", "name"] as const;

/**
 * OpenClaw 2026.9 defers most tools behind Tool Search (on by default): the model calls them as
 * `tool_call {id, args}` (or `input`, or the arguments flattened beside `id`). Such a call is judged
 * as the tool it names, so per-tool rules and policy apply at the outer call as well; OpenClaw also
 * runs before_tool_call for the inner call (verified on 2026.9.6).
 */
export function unwrapToolCall(action: Action): Action {
  if (action.tool?.trim().toLowerCase() !== "tool_call" || action.params === undefined) return action;
  const p = action.params;
  const key = TOOL_SEARCH_SELECTORS.find((k) => typeof p[k] === "string" && (p[k] as string).trim() !== "");
  if (key === undefined) return action;
  const id = (p[key] as string).trim();
  // Catalog ids are namespaced ("openclaw:core:plugins"); the tool is the last part.
  const tool = id.slice(id.lastIndexOf(":") + 1) || id;
  const dotted: Record<string, unknown> = {};
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k.startsWith("args.") && k.length > 5) dotted[k.slice(5)] = v;
    else if (k !== key && k !== "args" && k !== "input") flat[k] = v;
  }
  const nested = p.args ?? p.input;
  if (nested !== undefined && nested !== null && (typeof nested !== "object" || Array.isArray(nested))) return action;
  const input = nested !== undefined && nested !== null && Object.keys(nested).length > 0 ? { ...dotted, ...(nested as Record<string, unknown>) } : { ...dotted, ...flat };
  return { ...action, tool, params: input };
}

const SHELL_TOOLS = new Set(["exec", "bash", "shell", "process", "run", "terminal", "system.run", "sh", "cmd", "powershell"]);
/** Whether a tool name means "runs a shell command". */
export function isShellTool(tool: string | undefined): boolean {
  return tool !== undefined && SHELL_TOOLS.has(tool.trim().toLowerCase());
}

function walkParams(
  v: unknown,
  field: string,
  depth: number,
  add: (kind: SubjectKind, value: string, field: string, origin: Subject["origin"]) => void,
  shellTool: boolean,
  automationTool: boolean,
  key = "",
): void {
  if (depth > MAX_DEPTH) return;
  const k = key.toLowerCase();
  if (typeof v === "string") {
    // OpenClaw Code Mode: `exec` takes JavaScript as `code`, run by Node or QuickJS, and a scheduled
    // job's `script` (payload or trigger) is the same; judged as `node -e`.
    if ((shellTool && k === "code") || (automationTool && k === "script")) add("command", `node -e ${shellQuote(v)}`, field, "agent");
    // A shell tool's stdin: process write {data}, send-keys {literal}, paste {text}; terminal input {data}.
    else if (COMMAND_KEYS.has(k) || (shellTool && SHELL_INPUT_KEYS.has(k))) add("command", v, field, "agent");
    else if (URL_KEYS.has(k) || /^(?:https?|ftp|wss?):\/\//i.test(v.trim()) || /^(?:data|javascript):/i.test(v.trim())) add("url", v.trim(), field, "agent");
    else if (FILE_KEYS.has(k)) add("file", v, field, "agent");
    else add("text", v, field, "agent");
    return;
  }
  if (Array.isArray(v)) {
    // process send-keys: key tokens or hex bytes typed into a running shell, judged as the text they type.
    if (shellTool && (k === "keys" || k === "hex") && v.length > 0 && v.every((x) => typeof x === "string")) {
      const typed = k === "hex" ? typedFromHex(v as string[]) : typedFromKeys(v as string[]);
      if (typed.trim() !== "") add("command", typed, field, "agent");
      return;
    }
    // `command: ["bash", "-c", "…"]` (OpenClaw's system.run, an automation's stream schedule) is an argv too.
    if ((ARGV_KEYS.has(k) || k === "command") && v.length > 0 && v.every((x) => typeof x === "string")) {
      add("command", (v as string[]).map(shellQuote).join(" "), field, "agent");
      return;
    }
    v.forEach((x, i) => walkParams(x, `${field}[${i}]`, depth + 1, add, shellTool, automationTool, key));
    return;
  }
  if (typeof v === "object" && v !== null) {
    for (const [ck, cv] of Object.entries(v)) walkParams(cv, `${field}.${ck}`, depth + 1, add, shellTool, automationTool, ck);
  }
}

const SHELL_INPUT_KEYS = new Set(["input", "data", "literal", "text"]);
const NAMED_KEYS: Readonly<Record<string, string>> = { enter: "\n", return: "\n", "c-m": "\n", "c-j": "\n", space: " ", tab: "\t", "c-i": "\t" };

/** Key tokens as typed text: single characters as they are, Enter/Space/Tab as such; other chords (C-c, Up) type nothing. */
function typedFromKeys(keys: readonly string[]): string {
  let out = "";
  for (const key of keys.slice(0, 4096)) out += [...key].length === 1 ? key : (NAMED_KEYS[key.toLowerCase()] ?? (key.length > 1 && !/^(?:[cmsa]-|f\d|up|down|left|right|home|end|pg|page|esc|escape|bspace|backspace|delete|dc|ic|insert|btab)/i.test(key) ? key : ""));
  return out;
}

/** Hex byte tokens ("63", "0x75", "72 6c") as the text they type; invalid tokens type nothing. */
function typedFromHex(hex: readonly string[]): string {
  const bytes: number[] = [];
  for (const tok of hex.slice(0, 4096)) {
    for (const h of tok.replace(/0x/gi, " ").trim().split(/[\s,]+/)) if (/^[0-9a-f]{1,2}$/i.test(h) && bytes.length < 65536) bytes.push(parseInt(h, 16));
  }
  return Buffer.from(bytes).toString("latin1");
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function trimUrl(u: string): string {
  return u.replace(/[.,;:!?]+$/, "");
}

/**
 * A copy of o without its undefined members. Copied, not `delete`d in place: deleting a property
 * turns a V8 object into a slow dictionary, and every detector reads these objects' fields.
 */
export function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}
