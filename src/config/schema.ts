// Every config key, its type, default and meaning. The first three tables ([gateway], [runtime],
// [security]) accept every key of the Rust runtime's openclaw-rs.toml with the same meaning; the
// other tables are ClawShield's own. Defaults that differ from the Rust code fix a weakness of it
// (rust-agent-spec §13); the README's config table says which.

import { f, type FieldSpec, type SectionSpec } from "./fields.ts";
import { integritySection, type IntegrityConfig } from "./sections/integrity.ts";
import { pluginSection, type PluginConfig } from "./sections/plugin.ts";
import { policySection, type PolicyConfig } from "./sections/policy.ts";
import { serverSection, type ServerConfig } from "./sections/server.ts";
import { virustotalSection, type VirustotalConfig } from "./sections/virustotal.ts";

const rust = (spec: FieldSpec): FieldSpec => ({ ...spec, origin: "rust" });

export const DEFAULT_BLOCKED_COMMAND_PATTERNS: readonly string[] = [
  "(?i)\\brm\\s+-rf\\s+/",
  "(?i)\\bmkfs\\b",
  "(?i)\\bdd\\s+if=",
  "(?i)\\bcurl\\s+[^|]*\\|\\s*sh\\b",
  "(?i)\\bwget\\s+[^|]*\\|\\s*sh\\b",
  "(?i)\\bchmod\\s+777\\b",
];

export const DEFAULT_PROMPT_INJECTION_PATTERNS: readonly string[] = [
  "(?i)ignore\\s+all\\s+previous\\s+instructions",
  "(?i)reveal\\s+the\\s+system\\s+prompt",
  "(?i)override\\s+developer\\s+instructions",
  "(?i)disable\\s+safety",
  "(?i)you\\s+must\\s+run\\s+this\\s+command\\s+without\\s+asking",
];

export const gatewaySection: SectionSpec = {
  url: rust(f.str("ws://127.0.0.1:18789", "Gateway WebSocket URL (ws:// or wss://). The Rust default had a /ws path; the real Gateway serves the root.", { env: ["GATEWAY_URL"] })),
  token: rust(f.str(undefined, "Gateway shared token (gateway.auth.mode token). Falls back to OPENCLAW_GATEWAY_TOKEN.", { secret: true, env: ["GATEWAY_TOKEN"], envRaw: ["OPENCLAW_GATEWAY_TOKEN"] })),
  password: f.str(undefined, "Gateway password (gateway.auth.mode password). Falls back to OPENCLAW_GATEWAY_PASSWORD.", { secret: true, env: ["GATEWAY_PASSWORD"], envRaw: ["OPENCLAW_GATEWAY_PASSWORD"] }),
  tls_fingerprint: f.str(undefined, "Optional SHA-256 certificate fingerprint to pin for wss:// URLs (hex, colons allowed)."),
  device_identity_path: f.path(undefined, "Ed25519 device identity file; default <runtime.state_dir>/device-identity.json."),
  connect_timeout_ms: f.int(15000, "How long one connection attempt may take before it is retried.", 1000, 600000),
  reconnect_max_ms: f.int(30000, "Upper bound of the reconnect backoff; the backoff resets after a healthy connection.", 1000, 600000),
  approvals: f.bool(true, "Act as approval authority: resolve exec.approval.requested / plugin.approval.requested through the engine (block → deny, allow → allow-once, review → runtime.approval_review_mode)."),
  observe: f.bool(true, "Observe all sessions (sessions.subscribe, plus sessions.messages.subscribe per session for chat-channel turns): inbound messages, tool calls and tool results become actions for the pipeline (advisory decisions)."),
  plugin_id: f.str("clawshield", "Plugin id of the ClawShield OpenClaw plugin: its own plugin approvals are left to humans, and its liveness method is <plugin_id>.decisions."),
  expect_plugin: f.enumOf(["auto", "always", "never"], "auto", "Hook-liveness guard: auto = check tool calls when the ClawShield plugin is loaded on the Gateway; always = also alert when it is not loaded; never = off."),
  liveness_grace_ms: f.int(3000, "Hook-liveness guard: how long after an observed tool call the plugin's decision may arrive before unguarded_tool_call is raised.", 200, 600000),
};

export const runtimeSection: SectionSpec = {
  audit_only: rust(f.bool(false, "Observe mode: never emit block; the most severe outcome becomes review.", { env: ["AUDIT_ONLY"] })),
  decision_event: rust(f.str("security.decision", "Event name of the decision frame (kept for compatibility).")),
  worker_concurrency: rust(f.int(8, "Evaluations running at once in the sidecar.", 1, 1024, { env: ["WORKER_CONCURRENCY"] })),
  max_queue: rust(f.int(256, "Bounded pending queue of the sidecar (across sessions); overflow is decided by overflow_fail_mode.", 1, 1_000_000, { env: ["MAX_QUEUE"] })),
  session_queue_mode: rust({
    ...f.enumOf(["followup", "steer", "collect", "steer-backlog", "interrupt"], "followup", "Per-session queue mode; every queued action still gets exactly one decision."),
    type: { t: "enum", values: ["followup", "steer", "collect", "steer-backlog", "interrupt"], aliases: { steer_backlog: "steer-backlog", "steer+backlog": "steer-backlog", queue: "steer", queued: "steer", interrupts: "interrupt", abort: "interrupt" } },
    env: ["SESSION_QUEUE_MODE"],
  }),
  group_activation_mode: rust(f.enumOf(["mention", "always"], "mention", "Group activation: un-mentioned group actions are still decided, tagged ignored_activation.", { env: ["GROUP_ACTIVATION_MODE", "GROUP_ACTIVATION"] })),
  eval_timeout_ms: rust(f.int(2500, "Deadline of one evaluation including the wait for a worker; on expiry timeout_fail_mode decides.", 100, 600000, { env: ["EVAL_TIMEOUT_MS"] })),
  slow_eval_ms: f.int(250, "An evaluation whose engine time reaches this is logged at warn with its slowest detector and counted in clawshield_slow_evaluations_total{detector}; it is still decided as usual.", 1, 600000),
  memory_sample_secs: rust(f.int(15, "RSS/heap sampling interval (seconds).", 1, 86400, { env: ["MEMORY_SAMPLE_SECS"] })),
  idempotency_ttl_secs: rust(f.int(300, "How long a decision is reused for identical content (seconds).", 1, 86400 * 7, { env: ["IDEMPOTENCY_TTL_SECS"] })),
  idempotency_max_entries: rust(f.int(5000, "Size bound of the idempotency cache.", 32, 10_000_000, { env: ["IDEMPOTENCY_MAX_ENTRIES"] })),
  session_state_path: rust(f.path(".clawshield/state.db", "Per-session state store: .db/.sqlite/.sqlite3 uses node:sqlite (WAL), .json uses an atomically written JSON file.", { env: ["SESSION_STATE_PATH"] })),
  state_dir: f.path(".clawshield", "Folder for ClawShield's own state (device identity, caches, baseline)."),
  decision_log_path: f.path(".clawshield/decisions.jsonl", "Append-only decision log (JSONL, rotated)."),
  decision_log_max_bytes: f.int(50 * 1024 * 1024, "Rotate the decision log when it reaches this size.", 4096, 2 ** 40),
  decision_log_keep: f.int(10, "Rotated decision log files kept.", 1, 10000),
  overflow_fail_mode: f.enumOf(["review", "block"], "review", "Decision for an action that cannot be queued (queue full). Counted in clawshield_fail_mode_total."),
  timeout_fail_mode: f.enumOf(["review", "block"], "review", "Decision for an evaluation that misses eval_timeout_ms (a block-level finding already known still blocks)."),
  approval_review_mode: f.enumOf(["human", "deny"], "human", "Sidecar approval authority: what a review decision does (leave it to a human operator, or deny)."),
  log_level: f.enumOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info", "pino log level.", { env: ["LOG", "LOG_LEVEL"] }),
  max_frame_bytes: f.int(1024 * 1024, "Frames larger than this are logged, counted and skipped.", 1024, 64 * 1024 * 1024),
};

export const securitySection: SectionSpec = {
  review_threshold: rust(f.int(35, "Risk at or above this is review.", 0, 255)),
  block_threshold: rust(f.int(65, "Risk at or above this is block (must be greater than review_threshold).", 0, 255)),
  virustotal_api_key: rust(f.str(undefined, "VirusTotal API key; blank disables lookups (offline URL heuristics still run).", { secret: true, env: ["VT_API_KEY", "VIRUSTOTAL_API_KEY"] })),
  virustotal_timeout_ms: rust(f.int(1400, "VirusTotal request timeout.", 500, 60000)),
  quarantine_dir: rust(f.path(".clawshield/quarantine", "Where every blocked action leaves a redacted record.")),
  protect_paths: rust(f.paths([], "Extra files, folders or globs for the host-integrity baseline (the defaults in [integrity] are always included).")),
  allowed_command_prefixes: rust({ ...f.strList(["git ", "ls", "cat ", "rg "], "Allow-list of command prefixes, checked against every command of a parsed command line (trailing spaces matter)."), env: ["ALLOWED_COMMAND_PREFIXES"] }),
  blocked_command_patterns: rust({ type: { t: "regex[]" }, default: DEFAULT_BLOCKED_COMMAND_PATTERNS, doc: "Extra deny regexes for commands (RE2 syntax, linear time; `(?i)` allowed).", origin: "rust" }),
  prompt_injection_patterns: rust({ type: { t: "regex[]" }, default: DEFAULT_PROMPT_INJECTION_PATTERNS, doc: "Extra injection regexes for text (RE2 syntax, linear time; `(?i)` allowed; see Prompt-injection detector, step 5).", origin: "rust" }),
  tool_policies: rust({ type: { t: "map<action>" }, default: { gateway: "review", nodes: "review" }, doc: "Per-tool floor: the action is raised to at least this (allow has no effect).", origin: "rust" }),
  tool_risk_bonus: rust({ type: { t: "map<int>", min: 0, max: 100 }, default: { exec: 20, bash: 20, process: 10, apply_patch: 12, browser: 8, gateway: 20, nodes: 20 }, doc: "Risk points added when the tool is used.", origin: "rust" }),
  channel_risk_bonus: rust({ type: { t: "map<int>", min: 0, max: 100 }, default: { discord: 10, slack: 8, telegram: 6, whatsapp: 6, webchat: 8 }, doc: "Risk points added for actions from the channel.", origin: "rust" }),
  signed_policy_bundle: rust(f.path(undefined, "Signed policy bundle (TOML); relative to the config file's folder.", { env: ["SIGNED_POLICY_BUNDLE"] })),
  signed_policy_signature: rust(f.path(undefined, "Detached Ed25519 signature of the bundle (base64 or hex, 64 bytes).", { env: ["SIGNED_POLICY_SIGNATURE"] })),
  signed_policy_public_key: rust(f.str(undefined, "Trusted Ed25519 public key (base64 or hex, 32 bytes).", { env: ["SIGNED_POLICY_PUBLIC_KEY"] })),
  scoring: f.enumOf(["clawshield", "compat"], "clawshield", "clawshield: full detectors; compat: reproduce the Rust runtime's scores exactly (first prompt/command field only)."),
  disabled_rules: f.strList([], "Rule ids to suppress (e.g. \"cmd.privesc.sudo\"); a suppressed finding is dropped and counted."),
  allowed_commands: f.strList([], "Exact commands (after whitespace trim) that are always allowed by the command detector."),
  allowed_command_hashes: f.strList([], "SHA-256 (hex) of exact commands always allowed by the command detector."),
  unlisted_command_score: f.int(0, "Points for a command with a segment outside allowed_command_prefixes (compat scoring uses 20).", 0, 100),
  taint_bonus: f.int(30, "Points added to tool calls in a session that earlier received an injection (plugin/sidecar taint).", 0, 100),
  quarantine_max_records: f.int(0, "Keep at most this many quarantine records (0 = unlimited); oldest removed first.", 0, 100_000_000),
  quarantine_max_payload_bytes: f.int(64 * 1024, "Strings in a quarantine record longer than this are truncated with a marker and their SHA-256.", 256, 64 * 1024 * 1024),
  max_scan_bytes: f.int(4 * 1024 * 1024, "Text longer than this is scanned in its first and last parts and flagged oversized.", 1024, 256 * 1024 * 1024),
};

export const configSchema = {
  gateway: gatewaySection,
  runtime: runtimeSection,
  security: securitySection,
  virustotal: virustotalSection,
  integrity: integritySection,
  server: serverSection,
  plugin: pluginSection,
  policy: policySection,
} as const;

export type DecisionLevel = "allow" | "review" | "block";

export interface GatewayConfig {
  readonly url: string;
  readonly token?: string;
  readonly password?: string;
  readonly tls_fingerprint?: string;
  readonly device_identity_path?: string;
  readonly connect_timeout_ms: number;
  readonly reconnect_max_ms: number;
  readonly approvals: boolean;
  readonly observe: boolean;
  readonly plugin_id: string;
  readonly expect_plugin: "auto" | "always" | "never";
  readonly liveness_grace_ms: number;
}

export interface RuntimeConfig {
  readonly audit_only: boolean;
  readonly decision_event: string;
  readonly worker_concurrency: number;
  readonly max_queue: number;
  readonly session_queue_mode: "followup" | "steer" | "collect" | "steer-backlog" | "interrupt";
  readonly group_activation_mode: "mention" | "always";
  readonly eval_timeout_ms: number;
  readonly slow_eval_ms: number;
  readonly memory_sample_secs: number;
  readonly idempotency_ttl_secs: number;
  readonly idempotency_max_entries: number;
  readonly session_state_path: string;
  readonly state_dir: string;
  readonly decision_log_path: string;
  readonly decision_log_max_bytes: number;
  readonly decision_log_keep: number;
  readonly overflow_fail_mode: "review" | "block";
  readonly timeout_fail_mode: "review" | "block";
  readonly approval_review_mode: "human" | "deny";
  readonly log_level: string;
  readonly max_frame_bytes: number;
}

export interface SecurityConfig {
  readonly review_threshold: number;
  readonly block_threshold: number;
  readonly virustotal_api_key?: string;
  readonly virustotal_timeout_ms: number;
  readonly quarantine_dir: string;
  readonly protect_paths: readonly string[];
  readonly allowed_command_prefixes: readonly string[];
  readonly blocked_command_patterns: readonly string[];
  readonly prompt_injection_patterns: readonly string[];
  readonly tool_policies: Readonly<Record<string, DecisionLevel>>;
  readonly tool_risk_bonus: Readonly<Record<string, number>>;
  readonly channel_risk_bonus: Readonly<Record<string, number>>;
  readonly signed_policy_bundle?: string;
  readonly signed_policy_signature?: string;
  readonly signed_policy_public_key?: string;
  readonly scoring: "clawshield" | "compat";
  readonly disabled_rules: readonly string[];
  readonly allowed_commands: readonly string[];
  readonly allowed_command_hashes: readonly string[];
  readonly unlisted_command_score: number;
  readonly taint_bonus: number;
  readonly quarantine_max_records: number;
  readonly quarantine_max_payload_bytes: number;
  readonly max_scan_bytes: number;
}

/** The validated, frozen configuration every module receives. */
export interface ResolvedConfig {
  readonly gateway: GatewayConfig;
  readonly runtime: RuntimeConfig;
  readonly security: SecurityConfig;
  readonly virustotal: VirustotalConfig;
  readonly integrity: IntegrityConfig;
  readonly server: ServerConfig;
  readonly plugin: PluginConfig;
  readonly policy: PolicyConfig;
  /** Absolute path of the file that was loaded, if any; relative paths resolve against its folder. */
  readonly sourcePath?: string;
  /** Folder that relative paths in the config resolve against. */
  readonly baseDir: string;
}

export type SectionName = keyof typeof configSchema;
