// [integrity] — Host integrity monitor (baseline of protected files, drift policy). The Rust key
// security.protect_paths stays in [security]; these paths are added to it.
import { f, type SectionSpec } from "../fields.ts";

export const integritySection: SectionSpec = {
  enabled: f.bool(true, "Run the host-integrity monitor (baseline, interval checks, file-system watch)."),
  openclaw_defaults: f.bool(true, "Also protect the OpenClaw install: its config file, workspace identity files (SOUL.md, MEMORY.md, AGENTS.md, USER.md, IDENTITY.md, TOOLS.md), skills' SKILL.md, exec-approvals.json, and ClawShield's own config file and policy bundle."),
  openclaw_state_dir: f.path(undefined, "OpenClaw state folder; default $OPENCLAW_STATE_DIR or ~/.openclaw."),
  openclaw_config_path: f.path(undefined, "OpenClaw config file; default $OPENCLAW_CONFIG_PATH or <openclaw state>/openclaw.json."),
  openclaw_workspace_dir: f.path(undefined, "OpenClaw workspace; default $OPENCLAW_WORKSPACE_DIR or <openclaw state>/workspace."),
  baseline_path: f.path(undefined, "Baseline file; default <runtime.state_dir>/integrity-baseline.json (its SHA-256 sits in <baseline>.sha256)."),
  auto_baseline: f.bool(true, "Create the baseline at start when neither it nor its .sha256 sidecar exists (logged and counted). false: no baseline = the check-error finding until `clawshield baseline create`."),
  check_interval_secs: f.int(30, "Full re-hash interval in seconds (0 = only on file-system events and explicit verify).", 0, 86400),
  watch: f.bool(true, "Also check on file-system change events (fs.watch), debounced."),
  debounce_ms: f.int(300, "Quiet time after a change event before the check runs.", 0, 60000),
  drift_action: f.enumOf(["review", "block", "tag"], "review", "What active drift does to affected actions: raise to at least review, to block, or only tag (host_integrity)."),
  drift_scope: f.enumOf(["exec", "all"], "exec", "Which actions drift affects: exec-like ones (command actions, exec/bash/process/shell tools, any command argument) or all."),
  exclude: f.strList(["**/.git/**", "**/node_modules/**"], "Globs skipped when walking protected folders."),
  max_files: f.int(20000, "Upper bound on files recorded per baseline (the rest are reported as a check error).", 1, 10_000_000),
  max_file_bytes: f.int(256 * 1024 * 1024, "Files larger than this are compared by size, mtime and mode only (not hashed).", 1, 2 ** 40),
};

export interface IntegrityConfig {
  readonly enabled: boolean;
  readonly openclaw_defaults: boolean;
  readonly openclaw_state_dir?: string;
  readonly openclaw_config_path?: string;
  readonly openclaw_workspace_dir?: string;
  readonly baseline_path?: string;
  readonly auto_baseline: boolean;
  readonly check_interval_secs: number;
  readonly watch: boolean;
  readonly debounce_ms: number;
  readonly drift_action: "review" | "block" | "tag";
  readonly drift_scope: "exec" | "all";
  readonly exclude: readonly string[];
  readonly max_files: number;
  readonly max_file_bytes: number;
}
