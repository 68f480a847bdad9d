// The engine's boundary types: what goes in (Action), what detectors report (Finding) and what
// comes out (Decision). Every shell (CLI, sidecar, plugin, HTTP) speaks these types and nothing else.

/** The three outcomes, ordered by severity: allow < review < block. */
export type DecisionAction = "allow" | "review" | "block";

/** Where an action came from; decides which detectors look at which strings. */
export type ActionKind =
  | "prompt" // inbound text: a chat message or a prompt
  | "tool_call" // a tool the agent is about to call, with its params
  | "command" // a shell command
  | "url"
  | "file"
  | "tool_output"; // text returned by a tool (web page, file content): indirect injection

/** Who/where context. Everything optional: shells fill what they know. */
export interface ActionContext {
  readonly sessionKey?: string;
  readonly channel?: string;
  readonly chatType?: string;
  readonly sender?: string;
  readonly wasMentioned?: boolean;
  readonly source?: string; // "cli", "gateway:agent", "plugin:before_tool_call", "http", ...
  readonly accountId?: string;
  readonly threadId?: string;
  readonly to?: string;
  readonly replyBack?: boolean;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly agentId?: string;
  /** Set by the plugin/sidecar when the session earlier received an injection. */
  readonly tainted?: boolean;
}

/** One normalized action. Any subset of the content fields may be present. */
export interface Action {
  readonly id: string;
  readonly kind: ActionKind;
  readonly text?: string;
  readonly command?: string;
  readonly url?: string;
  readonly file?: string;
  readonly tool?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly toolOutput?: string;
  readonly context: ActionContext;
  /** The original input (frame payload, hook event); kept for quarantine, never scored directly. */
  readonly raw?: unknown;
}

/** What kind of string a subject is; picks the detectors that read it. */
export type SubjectKind = "text" | "command" | "url" | "file";

/**
 * One string worth inspecting, with where it came from. `normalizeAction` extracts every
 * subject from an action (all params, recursively), unlike the Rust runtime, which took only the
 * first `command`/`prompt` field it found.
 */
export interface Subject {
  readonly kind: SubjectKind;
  readonly value: string;
  /** Field path in the action, e.g. "command", "params.argv", "toolOutput". */
  readonly field: string;
  /** "inbound" (a person or channel), "tool_output" (fetched content), "agent" (tool arguments). */
  readonly origin: "inbound" | "tool_output" | "agent";
}

/** The matched text a finding points at. */
export interface Evidence {
  readonly field: string;
  /** Character offsets into the subject value (after the detector's own normalization, if noted). */
  readonly start: number;
  readonly end: number;
  /** The matched excerpt, truncated and with secrets redacted. */
  readonly excerpt: string;
}

/** One thing a detector found. Rule ids are namespaced (`inj.*`, `cmd.*`, `file.*`, `url.*`, `fs.*`, `vt.*`) and stable. */
export interface Finding {
  readonly ruleId: string;
  readonly category: string;
  /** Risk points (0..100) this finding adds before policy bonuses. */
  readonly score: number;
  readonly message: string;
  readonly evidence?: Evidence;
  /** Compatibility tag (the Rust runtime's tag vocabulary), e.g. "prompt_injection". */
  readonly tag: string;
  /** A finding whose action floor is at least this (e.g. a signed-policy hard block). */
  readonly floor?: DecisionAction;
}

/** Facts gathered by I/O shells before evaluation (the engine itself does no I/O). */
export interface Facts {
  /** Findings from asynchronous lookups (VirusTotal, host integrity), already scored. */
  readonly findings?: readonly Finding[];
  /** Extra tags to carry (e.g. "idempotency_hit"). */
  readonly tags?: readonly string[];
}

export interface DetectorInput {
  readonly action: Action;
  readonly subjects: readonly Subject[];
}

/** A detector: action in, findings out. Synchronous and pure: no awaits on the hot path. */
export interface Detector {
  readonly id: string;
  detect(input: DetectorInput): readonly Finding[];
}

export interface DecisionTiming {
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** Only on a slow evaluation (runtime.slow_eval_ms, tag `slow_evaluation`): the step that took longest (a detector id, or `subjects`). */
  readonly slowest?: { readonly detector: string; readonly ms: number };
}

/** The engine's answer. JSON-stable: documented in README "Decision JSON". */
export interface Decision {
  readonly id: string;
  readonly action: DecisionAction;
  /** 0..100 (the un-capped sum is in `rawScore`). */
  readonly riskScore: number;
  readonly rawScore: number;
  readonly reasons: readonly string[];
  readonly tags: readonly string[];
  readonly findings: readonly Finding[];
  readonly source: "clawshield";
  readonly version: string;
  readonly policyVersion?: string;
  /** Digest of ClawShield's own installed files (self-attestation), once computed. */
  readonly attestation?: string;
  readonly timing: DecisionTiming;
}

export const ACTION_RANK: Readonly<Record<DecisionAction, number>> = { allow: 0, review: 1, block: 2 };

/** The more severe of two actions. */
export function maxAction(a: DecisionAction, b: DecisionAction): DecisionAction {
  return ACTION_RANK[a] >= ACTION_RANK[b] ? a : b;
}
