// [plugin] — In-process OpenClaw plugin behaviour: review handling, session taint after a prompt
// injection, what is scanned, and the hook budget. The same keys can be set from OpenClaw's
// plugins.entries.clawshield.config (camelCase, see src/plugin/config.ts).
import { f, type SectionSpec } from "../fields.ts";

/** Tools that run code or change files: blocked outright in a tainted session under "block-exec". */
export const DEFAULT_EXEC_LIKE_TOOLS: readonly string[] = ["exec", "process", "bash", "shell", "apply_patch", "write", "edit"];

export const pluginSection: SectionSpec = {
  review_mode: f.enumOf(["approval", "block"], "approval", "What a review decision does in the plugin: ask the human through an OpenClaw plugin approval, or block."),
  approval_timeout_ms: f.int(120_000, "How long a plugin approval waits for the human (OpenClaw's maximum is 600000); unanswered approvals are denied.", 1000, 600_000),
  ready_timeout_ms: f.int(10_000, "How long a hook waits for the engine to finish starting before it fails closed (block). Keep it under OpenClaw's 15 s hook budget.", 100, 14_000),
  scan_inbound: f.bool(true, "Scan inbound messages (message_received) for prompt injection; an injection taints the session."),
  outbound_secrets: f.enumOf(
    ["redact", "block", "off"],
    "redact",
    "What happens to an outgoing message (message_sending: replies and message-tool sends) that carries a credential (private key, cloud or provider API key, bot token): redact replaces each one with [REDACTED by ClawShield] and sends the rest; block cancels the message; off lets it through. A key file attached to a message is always cancelled unless off.",
  ),
  scan_tool_results: f.bool(true, "Scan tool results (web pages, files, command output) for prompt injection; an injection taints the session."),
  taint_policy: f.enumOf(
    ["block-exec", "bonus", "off"],
    "block-exec",
    "How a tainted session (one that received a prompt injection) is judged: block-exec blocks exec-like tools and adds security.taint_bonus to other tool calls; bonus only adds security.taint_bonus; off ignores taint.",
  ),
  tool_result_taint_score: f.int(65, "Injection points a tool result (web page, file, command output) must reach to taint its session; inbound messages taint from security.review_threshold. Documentation is full of instructions, so the default asks for block-level evidence.", 1, 255),
  taint_ttl_secs: f.int(3600, "How long a session stays tainted after its last injection (seconds).", 1, 30 * 86400),
  taint_max_sessions: f.int(10_000, "Bound of the taint map (least recently tainted sessions are dropped first).", 16, 10_000_000),
  exec_like_tools: f.strList(DEFAULT_EXEC_LIKE_TOOLS, "Tools blocked in a tainted session under taint_policy = \"block-exec\"."),
};

export interface PluginConfig {
  readonly review_mode: "approval" | "block";
  readonly approval_timeout_ms: number;
  readonly ready_timeout_ms: number;
  readonly scan_inbound: boolean;
  readonly outbound_secrets: "redact" | "block" | "off";
  readonly scan_tool_results: boolean;
  readonly taint_policy: "block-exec" | "bonus" | "off";
  readonly tool_result_taint_score: number;
  readonly taint_ttl_secs: number;
  readonly taint_max_sessions: number;
  readonly exec_like_tools: readonly string[];
}
