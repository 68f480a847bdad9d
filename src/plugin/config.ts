// Maps OpenClaw's plugins.entries.clawshield.config (camelCase JSON, validated by the manifest's
// configSchema) onto ClawShield's own config loader, so the plugin runs with exactly the same
// config, engine and rules as the CLI and the sidecar.
//
// Where the config comes from, first match wins:
//   1. plugin config `configPath` (absolute, `~/…`, or relative to OpenClaw's state dir)
//   2. $CLAWSHIELD_CONFIG / $OPENCLAW_RS_CONFIG
//   3. <stateDir>/clawshield.toml (or openclaw-rs.toml) — NOT the Gateway's cwd, which is arbitrary
//   4. built-in defaults (they protect: no configuration is needed)
// The plugin's state dir is `stateDir`, else $OPENCLAW_STATE_DIR/clawshield, else ~/.openclaw/clawshield.
// Without a config file (or with an explicit stateDir) quarantine, decision log, session state and
// runtime.state_dir are pointed into that absolute folder through loader overrides.

import { homedir } from "node:os";
import path from "node:path";
import { loadConfig, resolveConfigPath } from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { ClawShieldError, ErrorCode } from "../errors.ts";

/** The plugin's JSON config (plugins.entries.clawshield.config). Every key is optional. */
export interface PluginOptions {
  readonly configPath?: string;
  readonly stateDir?: string;
  readonly auditOnly?: boolean;
  readonly reviewMode?: "approval" | "block";
  readonly approvalTimeoutMs?: number;
  readonly readyTimeoutMs?: number;
  readonly scanInbound?: boolean;
  readonly scanToolResults?: boolean;
  readonly outboundSecrets?: "redact" | "block" | "off";
  readonly taintPolicy?: "block-exec" | "bonus" | "off";
  readonly toolResultTaintScore?: number;
  readonly taintTtlSecs?: number;
  readonly taintMaxSessions?: number;
  readonly execLikeTools?: readonly string[];
}

/** camelCase plugin option → config key it overrides. */
export const OPTION_KEYS: Readonly<Record<Exclude<keyof PluginOptions, "configPath" | "stateDir">, string>> = {
  auditOnly: "runtime.audit_only",
  reviewMode: "plugin.review_mode",
  approvalTimeoutMs: "plugin.approval_timeout_ms",
  readyTimeoutMs: "plugin.ready_timeout_ms",
  scanInbound: "plugin.scan_inbound",
  scanToolResults: "plugin.scan_tool_results",
  outboundSecrets: "plugin.outbound_secrets",
  taintPolicy: "plugin.taint_policy",
  toolResultTaintScore: "plugin.tool_result_taint_score",
  taintTtlSecs: "plugin.taint_ttl_secs",
  taintMaxSessions: "plugin.taint_max_sessions",
  execLikeTools: "plugin.exec_like_tools",
};

/**
 * JSON Schema of the plugin config, as in openclaw.plugin.json `configSchema` (a test keeps the two
 * equal). OpenClaw validates plugins.entries.clawshield.config against it before loading the plugin.
 */
export const PLUGIN_CONFIG_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    configPath: { type: "string", description: "clawshield.toml to load (absolute, ~/..., or relative to OpenClaw's state dir). Default: $CLAWSHIELD_CONFIG, else <stateDir>/clawshield.toml, else built-in defaults." },
    stateDir: { type: "string", description: "Folder for quarantine records, the decision log and session state. Default: $OPENCLAW_STATE_DIR/clawshield or ~/.openclaw/clawshield." },
    auditOnly: { type: "boolean", description: "Observe mode: never block; blocks become reviews (runtime.audit_only)." },
    reviewMode: { type: "string", enum: ["approval", "block"], description: "What a review decision does: ask the human (plugin approval) or block (plugin.review_mode)." },
    approvalTimeoutMs: { type: "integer", minimum: 1000, maximum: 600000, description: "How long an approval waits for the human; unanswered approvals are denied (plugin.approval_timeout_ms)." },
    readyTimeoutMs: { type: "integer", minimum: 100, maximum: 14000, description: "How long a hook waits for the engine to start before failing closed (plugin.ready_timeout_ms)." },
    scanInbound: { type: "boolean", description: "Scan inbound messages for prompt injection (plugin.scan_inbound)." },
    scanToolResults: { type: "boolean", description: "Scan tool results for prompt injection (plugin.scan_tool_results)." },
    outboundSecrets: { type: "string", enum: ["redact", "block", "off"], description: "What happens to an outgoing message that carries a credential: redact it, cancel the message, or let it through (plugin.outbound_secrets)." },
    taintPolicy: { type: "string", enum: ["block-exec", "bonus", "off"], description: "How a session that received an injection is judged (plugin.taint_policy)." },
    toolResultTaintScore: { type: "integer", minimum: 1, maximum: 255, description: "Injection points a tool result must reach to taint its session (plugin.tool_result_taint_score)." },
    taintTtlSecs: { type: "integer", minimum: 1, maximum: 2592000, description: "How long a session stays tainted (plugin.taint_ttl_secs)." },
    taintMaxSessions: { type: "integer", minimum: 16, maximum: 10000000, description: "Bound of the taint map (plugin.taint_max_sessions)." },
    execLikeTools: { type: "array", items: { type: "string" }, description: "Tools blocked in a tainted session under taintPolicy block-exec (plugin.exec_like_tools)." },
  },
} as const;

export interface ResolvedPluginSetup {
  readonly config: ResolvedConfig;
  /** The config file loaded, if any. */
  readonly configFile?: string;
  /** The plugin's absolute state dir (evidence lives here unless a config file says otherwise). */
  readonly stateDir: string;
  /** Option keys that were ignored (unknown or of the wrong type), for a warning. */
  readonly ignored: readonly string[];
}

export interface ResolveSetupOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly home?: string;
}

/** OpenClaw's state dir: $OPENCLAW_STATE_DIR or ~/.openclaw. */
export function openclawStateDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const s = env.OPENCLAW_STATE_DIR;
  return s !== undefined && s.trim() !== "" ? path.resolve(expandHome(s.trim(), home)) : path.join(home, ".openclaw");
}

function expandHome(p: string, home: string): string {
  return p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p;
}

/** Reads the plugin options loosely (OpenClaw has validated them); wrong types are ignored and reported. */
export function readPluginOptions(raw: unknown): { options: PluginOptions; ignored: string[] } {
  const ignored: string[] = [];
  const out: Record<string, unknown> = {};
  if (raw === undefined || raw === null) return { options: {}, ignored };
  if (typeof raw !== "object" || Array.isArray(raw)) return { options: {}, ignored: ["<config is not an object>"] };
  const props = PLUGIN_CONFIG_JSON_SCHEMA.properties as Record<string, { type: string }>;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const spec = props[k];
    if (spec === undefined || v === undefined || v === null) {
      if (spec === undefined) ignored.push(k);
      continue;
    }
    const ok =
      spec.type === "string" ? typeof v === "string" :
      spec.type === "boolean" ? typeof v === "boolean" :
      spec.type === "integer" ? typeof v === "number" && Number.isInteger(v) :
      spec.type === "array" ? Array.isArray(v) && v.every((x) => typeof x === "string") :
      false;
    if (ok) out[k] = v;
    else ignored.push(k);
  }
  return { options: out as PluginOptions, ignored };
}

/**
 * Loads the ClawShield config for the plugin (synchronous: file read + validation). Throws
 * CS_CONFIG_* errors exactly like the CLI; the plugin turns that into fail-closed blocks.
 */
export function resolvePluginSetup(rawOptions: unknown, opts: ResolveSetupOptions = {}): ResolvedPluginSetup {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const { options, ignored } = readPluginOptions(rawOptions);
  const ocState = openclawStateDir(env, home);
  const stateDir = options.stateDir !== undefined && options.stateDir.trim() !== "" ? path.resolve(ocState, expandHome(options.stateDir.trim(), home)) : path.join(ocState, "clawshield");
  const explicit = options.configPath !== undefined && options.configPath.trim() !== "" ? path.resolve(ocState, expandHome(options.configPath.trim(), home)) : undefined;

  // cwd = the plugin's state dir: the default file lookup never looks at the Gateway's cwd.
  const file = resolveConfigPath({ ...(explicit ? { path: explicit } : {}), env, cwd: stateDir });
  const overrides: Record<string, unknown> = {};
  if (file === undefined || options.stateDir !== undefined) {
    overrides["runtime.state_dir"] = stateDir;
    overrides["security.quarantine_dir"] = path.join(stateDir, "quarantine");
    overrides["runtime.decision_log_path"] = path.join(stateDir, "decisions.jsonl");
    overrides["runtime.session_state_path"] = path.join(stateDir, "state.db");
  }
  for (const [opt, key] of Object.entries(OPTION_KEYS)) {
    const v = (options as Record<string, unknown>)[opt];
    if (v !== undefined) overrides[key] = v;
  }
  try {
    const config = loadConfig({ ...(file ? { path: file } : {}), env, cwd: stateDir, overrides });
    return { config, ...(file ? { configFile: file } : {}), stateDir, ignored };
  } catch (e) {
    if (e instanceof ClawShieldError) throw e;
    throw new ClawShieldError(ErrorCode.CONFIG_INVALID, `plugin config could not be loaded: ${(e as Error).message}`, { file }, e);
  }
}
